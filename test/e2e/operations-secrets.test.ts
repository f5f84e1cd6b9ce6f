// The source token never leaves the source connector: not in any log line (DEBUG on), not in any execution's input,
// output or history, not in any step's payload or result, not in a metric or a notification, through a full run
// with retries and continue-as-new, an incremental run, a failed run and a run refused for a wrong token.
import { randomBytes } from 'node:crypto';
import type { E2eStack } from '../support/e2e-stack';
import { lastOf, runChain } from '../support/e2e';

// Distinctive, so a hit can only be the token itself.
const TOKEN = `tok_${randomBytes(12).toString('hex')}_SECRET`;
const WRONG_TOKEN = `tok_${randomBytes(12).toString('hex')}_WRONG`;

describe('the source token in a whole run', () => {
  let stack: E2eStack;
  /** Everything an operator or a log reader could ever see, as text. */
  const seen: string[] = [];
  const stepPayloads: string[] = [];
  const restoreOutput: Array<() => void> = [];

  beforeAll(async () => {
    // Every line the code can log. The logger takes its level when its module loads (and each invocation goes back
    // to it), so the functions are loaded only now, after the level is set.
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    const { startE2eStack } = require('../support/e2e-stack') as typeof import('../support/e2e-stack');
    // The logger writes INFO and DEBUG to stdout, WARN and ERROR to stderr.
    for (const stream of [process.stdout, process.stderr]) {
      const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        seen.push(String(chunk));
        return true;
      });
      restoreOutput.push(() => spy.mockRestore());
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        seen.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      });
      restoreOutput.push(() => spy.mockRestore());
    }

    stack = await startE2eStack({
      fake: { orders: 400, seed: 31, token: TOKEN, faults: { retryAfterSeconds: 0 } },
      env: { PAGE_SIZE: '50', MAX_PAGES_PER_EXECUTION: '3' },
      // Every line each function writes, at DEBUG.
      functionLogLevel: 'DEBUG',
      functionLogs: (line) => void seen.push(line.text),
      hooks: {
        before: (functionName, payload) => void stepPayloads.push(JSON.stringify({ functionName, payload })),
        after: (functionName, payload, result) => void stepPayloads.push(JSON.stringify({ functionName, payload, result })),
      },
      operations: {
        notification: (text) => void seen.push(text),
        emf: (emf) => void seen.push(JSON.stringify(emf)),
        runMetrics: (report) => void seen.push(JSON.stringify(report)),
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    for (const restore of restoreOutput) restore();
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  });

  it('runs a full sync with retries, an incremental sync, a failed sync and a refused token', async () => {
    stack.fake!.script(429, 503, 'drop');
    const full = await runChain(stack, { mode: 'full', trigger: 'test' });
    expect(full.length).toBeGreaterThan(1);
    expect(lastOf(full).status).toBe('SUCCEEDED');

    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 30)
        .map((order) => order.id),
      creates: 5,
    });
    expect(lastOf(await runChain(stack, { mode: 'incremental', trigger: 'test' })).status).toBe('SUCCEEDED');

    const badOrder = stack.fake!.truth()[120]!.id;
    stack.fake!.breakPagesOf(badOrder, true);
    expect(lastOf(await runChain(stack, { mode: 'full', trigger: 'test' }))).toMatchObject({ status: 'FAILED', error: 'SyncFailed' });
    stack.fake!.breakPagesOf(badOrder, false);

    // The secret rotated to a token the shop refuses; the functions start cold, so none has the old one cached.
    const [secretArn] = stack.secrets.arns();
    stack.secrets.put(secretArn!, WRONG_TOKEN);
    await stack.functions.restart();
    try {
      const refused = lastOf(await runChain(stack, { mode: 'incremental', trigger: 'test' }));
      expect(refused.status).toBe('FAILED');
      expect(refused.cause).toContain('refused the token (401)');
    } finally {
      stack.secrets.put(secretArn!, TOKEN);
      await stack.functions.restart();
    }
  });

  it('the capture saw the run: page and retry lines with the source URL, the run keys on every page line', () => {
    const log = seen.join('\n');
    expect(stack.fake!.requests().some((request) => request.authorized)).toBe(true); // the token was sent
    expect(log).toContain('"message":"page synced"');
    expect(log).toContain('orders API call failed: retrying');
    expect(log).toContain(stack.sourceUrl);
    expect(log).toContain('refused the token (401)');
    const pageLines = seen
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{') && line.includes('"message":"page synced"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(pageLines.length).toBeGreaterThan(8);
    for (const line of pageLines)
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['stream', 'runId', 'executionName', 'mode', 'page', 'part']));
    expect(stepPayloads.length).toBeGreaterThan(20);
  });

  it('no log line, metric or notification holds the token', () => {
    const leaks = seen.filter((text) => text.includes(TOKEN) || text.includes(WRONG_TOKEN));
    expect(leaks).toEqual([]);
  });

  it("no execution's input, output or history event, and no step payload or result, holds the token", () => {
    const executions = stack.machine.list();
    expect(executions.length).toBeGreaterThan(4);
    for (const execution of executions) {
      const text = JSON.stringify({
        input: execution.input,
        output: execution.output,
        error: execution.error,
        cause: execution.cause,
        events: execution.events,
      });
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(WRONG_TOKEN);
    }
    expect(stepPayloads.filter((payload) => payload.includes(TOKEN) || payload.includes(WRONG_TOKEN))).toEqual([]);
  });
});
