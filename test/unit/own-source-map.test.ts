// The compiled handlers' source maps cut to the project's code: every position in our code maps where esbuild's
// map says, and no position in a dependency's code maps anywhere (Node's own lookup reads both maps).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap as NodeSourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../../infra/handler-entry';
import { ownSourceMap, type SourceMap } from '../../local/aws/functions/own-source-map';

describe('ownSourceMap', () => {
  let dir: string;
  let bundle: string;
  let map: SourceMap;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'own-source-map-'));
    // Our code around a dependency's (zod, from the project's node_modules), on shared lines and on their own.
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        "import { z } from 'zod';",
        'export class OwnError extends Error {}',
        'const Order = z.object({ id: z.string(), total: z.number() });',
        'export function handler(input: unknown) {',
        '  const parsed = Order.safeParse(input);',
        "  if (!parsed.success) throw new OwnError('bad order: ' + parsed.error.message);",
        '  return parsed.data.id;',
        '}',
      ].join('\n'),
    );
    buildSync({
      entryPoints: [entry],
      outfile: join(dir, 'out.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: true,
      sourcesContent: false,
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
      logLevel: 'error',
    });
    bundle = readFileSync(join(dir, 'out.js'), 'utf8');
    map = JSON.parse(readFileSync(join(dir, 'out.js.map'), 'utf8')) as SourceMap;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const isOwn = (source: string) => !source.includes('node_modules');

  it("maps every position of our code as esbuild's map does, and no position of a dependency's", () => {
    const whole = new NodeSourceMap(map as unknown as SourceMapPayload);
    const cut = new NodeSourceMap(ownSourceMap(map, isOwn) as unknown as SourceMapPayload);
    let ownPositions = 0;
    let dependencyPositions = 0;
    const wrong: string[] = [];
    bundle.split('\n').forEach((line, lineNumber) => {
      for (let column = 0; column < line.length; column++) {
        const expected = whole.findEntry(lineNumber, column) as { originalSource?: string };
        const found = cut.findEntry(lineNumber, column) as { originalSource?: string };
        if (expected.originalSource !== undefined && isOwn(expected.originalSource)) {
          ownPositions += 1;
          if (JSON.stringify(found) !== JSON.stringify(expected)) wrong.push(`${lineNumber}:${column} ${JSON.stringify(found)}`);
        } else {
          if (expected.originalSource !== undefined) dependencyPositions += 1;
          if (found.originalSource !== undefined) wrong.push(`${lineNumber}:${column} ${found.originalSource}`);
        }
      }
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    // Both kinds were there to check.
    expect(ownPositions).toBeGreaterThan(50);
    expect(dependencyPositions).toBeGreaterThan(1000);
  });

  it('is much smaller than the whole map', () => {
    expect(ownSourceMap(map, isOwn).mappings.length).toBeLessThan(map.mappings.length / 10);
  });

  it('keeps the map whole when every source is kept', () => {
    expect(ownSourceMap(map, () => true)).toEqual(map);
  });
});
