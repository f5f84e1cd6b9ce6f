// Request/answer over a forked child's IPC channel: the bench runs the fake orders API, dynalite and each
// measured runner in processes of their own, so each one's memory is its own and no phase inflates the next.
import { fork, type ChildProcess } from 'node:child_process';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler declares its own argument type
type Handler = (args: any) => unknown;

interface Request {
  id: number;
  command: string;
  args: unknown;
}

interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface ChildService {
  pid: number;
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** Asks the child to stop (its `stop` handler, then exit) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Node flags every bench child gets: TypeScript through tsx, plus what the caller adds (e.g. --cpu-prof). */
export function childExecArgv(extra: readonly string[] = []): string[] {
  return ['--import', 'tsx', ...extra];
}

/** Forks `modulePath` (a .ts file) and resolves once it says it is ready (its first message). */
export async function forkService(modulePath: string, args: readonly string[], execArgv: readonly string[] = []): Promise<ChildService> {
  const child: ChildProcess = fork(modulePath, [...args], {
    execArgv: childExecArgv(execArgv),
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failAll = (why: string) => {
    for (const { reject } of pending.values()) reject(new Error(why));
    pending.clear();
  };
  child.once('exit', (code, signal) => failAll(`${modulePath} exited (code ${code}, signal ${signal})`));

  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${modulePath} exited with code ${code} before it was ready`)));
  });
  child.on('message', (message: Answer) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new Error(message.error));
  });

  return {
    pid: child.pid!,
    call<T>(command: string, callArgs?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args: callArgs } satisfies Request);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: 0, command: 'stop', args: undefined } satisfies Request);
      await exited;
    },
  };
}

/**
 * The child's side: answers each request with its handler's result. `stop` runs the given handler (if any) and
 * exits normally, so a --cpu-prof profile gets written.
 */
export function serveRequests(handlers: Record<string, Handler>): void {
  process.on('message', (request: Request) => {
    void (async () => {
      if (request.command === 'stop') {
        await handlers.stop?.(undefined);
        process.exit(0);
      }
      try {
        const handler = handlers[request.command];
        if (!handler) throw new Error(`no command "${request.command}" (known: ${Object.keys(handlers).join(', ')})`);
        process.send!({ id: request.id, ok: true, value: await handler(request.args) } satisfies Answer);
      } catch (error) {
        process.send!({
          id: request.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Answer);
      }
    })();
  });
  // The parent dying must not leave us running.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}
