// Helpers for the `npm start` end-to-end tests: the stack as a child process in its own process group (so a test
// can send Ctrl-C as a terminal does, and check that nothing of it is left), and the CLI commands as child processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const STARTUP_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;
/** npm's "new version available" notice is not part of any command's output. */
const QUIET_NPM: NodeJS.ProcessEnv = { npm_config_update_notifier: 'false' };

export interface StackUrls {
  httpApi: string;
  sfn: string;
  dynamodb: string;
  fakeOrdersApi: string;
}

export interface StackProcess {
  child: ChildProcess;
  urls: StackUrls;
  dataDir: string;
  output(): string;
  waitForOutput(pattern: RegExp, deadlineMs?: number): Promise<void>;
  /** Ctrl-C: SIGINT to the whole process group; resolves with how the child ended. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A crash: SIGKILL to the whole group. */
  crash(): Promise<void>;
  /** Whether any process of the group is still there. */
  groupAlive(): boolean;
  /** afterAll: whatever is left of the group is killed, the data dir removed unless kept. */
  kill(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the stack on free ports with its data in a fresh temporary dir (or `dataDir`), as `npm start -- ...`
 * (`via: 'npm'`, what a person types) or as the command the script runs (`via: 'tsx'`, whose exit code is the stack's).
 */
export async function localStackProcess(
  via: 'npm' | 'tsx',
  args: string[],
  dataDir?: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<StackProcess> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'order-sync-e2e-'));
  const stackArgs = ['--data-dir', dir, '--http-port', '0', '--sfn-port', '0', '--dynamodb-port', '0', '--fake-port', '0', ...args];
  const [command, commandArgs] =
    via === 'npm' ? ['npm', ['start', '--', ...stackArgs]] : [join(ROOT, 'node_modules', '.bin', 'tsx'), ['local/main.ts', ...stackArgs]];
  const { ORDERS_API_URL: _url, ORDERS_API_TOKEN: _token, POWERTOOLS_LOG_LEVEL: _level, ...inherited } = { ...process.env, ...QUIET_NPM };
  const env = { ...inherited, ...extraEnv };
  const child = spawn(command, commandArgs, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  // 'close', not 'exit': the last lines (the stack's "stopped: ...") may still be in the pipes when the child exits.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );

  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const waitForOutput = async (pattern: RegExp, deadlineMs = STARTUP_DEADLINE_MS) => {
    const deadline = Date.now() + deadlineMs;
    while (!pattern.test(text)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the stack exited before printing ${pattern}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`the stack did not print ${pattern} in time:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const waitForGroupGone = async () => {
    const deadline = Date.now() + STOP_DEADLINE_MS;
    while (groupAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  await waitForOutput(/Ctrl-C stops everything/);
  const url = (label: string) => {
    const found = new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`).exec(text)?.[1];
    if (!found) throw new Error(`no ${label} URL in the banner:\n${text}`);
    return found;
  };
  const urls = {
    httpApi: url('HTTP API'),
    sfn: url('Step Functions API'),
    dynamodb: url('DynamoDB API'),
    fakeOrdersApi: url('  source'),
  };

  return {
    child,
    urls,
    dataDir: dir,
    output: () => text,
    waitForOutput,
    async interrupt() {
      process.kill(-child.pid!, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      try {
        const ended = await Promise.race([
          exited,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no exit within ${STOP_DEADLINE_MS} ms of SIGINT:\n${text}`)), STOP_DEADLINE_MS);
          }),
        ]);
        await waitForGroupGone();
        return ended;
      } finally {
        clearTimeout(timer);
      }
    },
    async crash() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await waitForGroupGone();
    },
    groupAlive,
    async kill(options = {}) {
      if (groupAlive()) {
        process.kill(-child.pid!, 'SIGKILL');
        await waitForGroupGone();
      }
      if (!options.keepData && !dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s <args>` in the repo, as a child process with a deadline; resolves whatever the exit code. */
export function npmRun(args: string[], deadlineMs = 60_000): Promise<CommandResult> {
  const { ORDER_SYNC_API_URL: _api, ORDER_SYNC_SFN_ENDPOINT: _sfn, ...env } = { ...process.env, ...QUIET_NPM };
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['run', '-s', ...args],
      { cwd: ROOT, env, timeout: deadlineMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code === null) reject(new Error(`npm run ${args.join(' ')} did not finish: ${error?.message}\n${stdout}\n${stderr}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The status route's JSON, as `npm run status -- --json` prints it, fetched in-process: a CLI run costs a second of CPU
 * (npm and tsx starting), and npm-start.test.ts runs the command itself.
 */
export async function syncStatus(httpApi: string): Promise<any> {
  const answer = await fetch(`${httpApi}/api/sync/status`);
  if (!answer.ok) throw new Error(`GET ${httpApi}/api/sync/status answered ${answer.status}: ${await answer.text()}`);
  return answer.json();
}

/** Nothing listens there any more: a connection is refused. */
export function portIsFree(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
