// Source mode's code: each handler compiled from the TypeScript sources into one file by esbuild, as CDK bundles it
// (the AWS SDK inside, names kept), and cached by the sources' content, so a process compiles only after a change.
// A worker then loads one file instead of resolving and transpiling hundreds of modules through tsx (measured here:
// about 0.4 s of CPU per cold start instead of 1.2 s).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { HandlerName } from '../../../functions/handler-needs';
import { handlerEntry, PROJECT_ROOT } from '../../../infra/handler-entry';

const HANDLERS: readonly HandlerName[] = ['begin', 'sync-page', 'commit', 'record-failure', 'api', 'scheduled-trigger'];
const CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'order-sync-handlers');

let compiledOnce: string | undefined;

/** The compiled file of `handler` (its `handler` export), compiled with the others on first use if the sources changed. */
export function compiledHandler(handler: HandlerName): string {
  compiledOnce ??= compileAll();
  return join(compiledOnce, `${handler}.js`);
}

function compileAll(): string {
  const dir = join(CACHE, sourcesHash());
  if (existsSync(dir)) return dir;
  // Compiled beside, then renamed: another process compiling the same sources at once finds a whole folder or none.
  const building = `${dir}.${process.pid}.tmp`;
  mkdirSync(building, { recursive: true });
  buildSync({
    entryPoints: Object.fromEntries(HANDLERS.map((name) => [name, handlerEntry(name)])),
    outdir: building,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    sourcemap: true,
    keepNames: true, // error class names are what Step Functions' Retry/Catch match on
    tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // the other process won
  }
  return dir;
}

/** Every source file under functions/, the lock file and the compiler settings: what the compiled code depends on. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const functionsDir = join(PROJECT_ROOT, 'functions');
  const files = (readdirSync(functionsDir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).sort();
  for (const file of files) hash.update(file).update(readFileSync(join(functionsDir, file)));
  for (const file of ['package-lock.json', 'tsconfig.json']) hash.update(readFileSync(join(PROJECT_ROOT, file)));
  hash.update(process.versions.node);
  return hash.digest('hex').slice(0, 16);
}
