import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash } from '../../local/content-hash';

// The key of the local caches (the synthesized template, the compiled handlers): a stale key would run old code.
describe('contentHash', () => {
  let root: string;
  const sources = { folders: ['infra'], files: ['cdk.json'] };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'content-hash-'));
    mkdirSync(join(root, 'infra', 'constructs'), { recursive: true });
    writeFileSync(join(root, 'infra', 'app.ts'), 'export const a = 1;');
    writeFileSync(join(root, 'infra', 'constructs', 'table.ts'), 'export const b = 2;');
    writeFileSync(join(root, 'cdk.json'), '{"context":{}}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the same for the same sources', () => {
    expect(contentHash(sources, root)).toBe(contentHash(sources, root));
  });

  it('changes with a nested source file, a named file, or a new source file', () => {
    const before = contentHash(sources, root);
    writeFileSync(join(root, 'infra', 'constructs', 'table.ts'), 'export const b = 3;');
    const afterSource = contentHash(sources, root);
    expect(afterSource).not.toBe(before);
    writeFileSync(join(root, 'cdk.json'), '{"context":{"x":1}}');
    const afterFile = contentHash(sources, root);
    expect(afterFile).not.toBe(afterSource);
    writeFileSync(join(root, 'infra', 'new.ts'), '');
    expect(contentHash(sources, root)).not.toBe(afterFile);
  });

  it('changes when a source file moves, its content unchanged', () => {
    const before = contentHash(sources, root);
    rmSync(join(root, 'infra', 'app.ts'));
    writeFileSync(join(root, 'infra', 'constructs', 'app.ts'), 'export const a = 1;');
    expect(contentHash(sources, root)).not.toBe(before);
  });

  it('ignores files that are not TypeScript sources', () => {
    const before = contentHash(sources, root);
    writeFileSync(join(root, 'infra', 'notes.md'), 'anything');
    expect(contentHash(sources, root)).toBe(before);
  });
});
