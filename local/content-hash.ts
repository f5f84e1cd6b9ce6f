// What a cached build depends on, as one short hash: the TypeScript sources under some folders of the project, some
// files of it, and the Node.js version. A cache keyed by it is rebuilt after any change to them and never otherwise.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/handler-entry';

/** Where the local caches live: beside the dependencies, so a fresh `npm ci` starts without them. */
export const CACHE_ROOT = join(PROJECT_ROOT, 'node_modules', '.cache');

export function contentHash(sources: { folders: readonly string[]; files: readonly string[] }, root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  for (const folder of sources.folders) {
    const dir = join(root, folder);
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).sort();
    for (const file of files) hash.update(join(folder, file)).update(readFileSync(join(dir, file)));
  }
  for (const file of sources.files) hash.update(file).update(readFileSync(join(root, file)));
  hash.update(process.versions.node);
  return hash.digest('hex').slice(0, 16);
}
