// Starting and stopping `npm start`'s parts: a port in use or a locked data dir said as what to do, the parts stopped
// newest first, and Ctrl-C told from its echoes (one Ctrl-C reaches us several times) and from a second one (force).
import { UsageError } from '../cli/common';

/** Signals this soon after the first are echoes of the same Ctrl-C (npm and tsx relay it, late on a loaded machine), not a second one. */
const SIGNAL_ECHO_MS = 5_000;

/** How long a clean stop may take before it is forced (a page step against a dead source, say). */
const SHUTDOWN_DEADLINE_MS = 60_000;

/** Turns "address in use" and dynalite's LevelDB lock into what to do about them. */
export async function listening<T>(what: string, flag: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new UsageError(`${what}: port ${port} is in use (another npm start?): pick another with ${flag}, or 0 for any free port`);
    }
    if (/LOCK|lock/.test(message)) {
      throw new UsageError(`the data dir is in use by another npm start (${message}); stop it first, or use --data-dir`);
    }
    throw error;
  }
}

/** The parts started so far, stopped newest first; one that fails does not keep the others from stopping. */
export class Started {
  private readonly stoppers: Array<() => Promise<void>> = [];

  add(stop: () => Promise<void>): void {
    this.stoppers.push(stop);
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`while stopping: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * Resolves at the first Ctrl-C or SIGTERM. The listeners stay: with `once`, a signal echoed right after the first (a
 * wrapper such as tsx or npm relaying Ctrl-C to its process group) found none, and Node's default killed the process
 * before the clean stop began (exit 130, nothing said).
 */
export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
}

/** From now on, a signal well after the first one, or a stop that takes too long, exits at once. */
export function forceOnSecondSignal(): void {
  const stoppingSince = Date.now();
  const forceOnLateSignal = (signal: string) => {
    if (Date.now() - stoppingSince > SIGNAL_ECHO_MS) forceExit(`stopped by a second ${signal}`);
  };
  process.on('SIGINT', () => forceOnLateSignal('Ctrl-C'));
  process.on('SIGTERM', () => forceOnLateSignal('SIGTERM'));
  setTimeout(() => forceExit(`the clean stop took over ${SHUTDOWN_DEADLINE_MS / 1000} s`), SHUTDOWN_DEADLINE_MS).unref();
}

function forceExit(why: string): never {
  console.error(`${why}: exiting now (a run in flight resumes from its last saved page)`);
  process.exit(130);
}
