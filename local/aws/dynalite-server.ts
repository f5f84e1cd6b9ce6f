// Serves the DynamoDB API locally with dynalite, in this process: in memory for tests, on disk for the
// local stack. Lives under local/: no Lambda bundle can pull it in.
import { listenOnLoopback } from '../loopback';
import { rememberParses } from './dynalite-expressions';

let parsesRemembered = false;

export interface DynaliteServer {
  /** `http://127.0.0.1:<port>`, for `createDocumentClient({ endpoint })`. */
  endpoint: string;
  stop(): Promise<void>;
}

export interface DynaliteServerOptions {
  /** LevelDB directory so the data outlives the process; in memory when absent. */
  path?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export async function startDynaliteServer(options: DynaliteServerOptions = {}): Promise<DynaliteServer> {
  // Loaded here, not at the top: dynalite is a dev dependency and must never be pulled into a bundle.
  const dynalite = (await import('dynalite')).default;
  if (!parsesRemembered) {
    rememberParses((await import('dynalite/db/conditionParser')).default);
    parsesRemembered = true;
  }
  const host = options.host ?? '127.0.0.1';
  // Table state changes at once: nobody waits half a second per table for nothing.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listening = await listenOnLoopback(server, { port: options.port, host });
  return { endpoint: listening.url, stop: listening.close };
}
