// `npm run sync [-- --stream NAME] [--full | --resume]`: triggers a stream's run through the HTTP API, follows it to
// the end with a progress line, prints its summary. Exits 1 when the run fails or the trigger is refused (409: another run holds the lease).
import type { SyncStatus } from '../../functions/core/status';
import { isStreamName, STREAM_NAMES } from '../../functions/core/stream';
import {
  API_TARGET_FLAGS,
  API_TARGET_USAGE,
  apiTargetFrom,
  callApi,
  CliError,
  count,
  duration,
  errorMessage,
  parseFlags,
  positiveNumber,
  runCli,
  UsageError,
} from './common';
import { followRun } from './follow';
import { lastRunLine, progressLine, resumeFlags, runErrorLine } from './views';

const USAGE = `usage: npm run sync [-- options]
  (no flag)          an incremental sync (the first one runs full)
  --stream NAME      the stream to sync: ${STREAM_NAMES.join(', ')} (default orders)
  --full             a full resync of every record of the stream
  --resume           continue the stream's interrupted or failed full resync from its saved page
  --no-follow        trigger and return at once
  --timeout SECONDS  stop following after this long (default 3600; the run goes on)
  --poll SECONDS     how often to read the status route (default 1)
${API_TARGET_USAGE}`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(
    args,
    {
      stream: { type: 'string' },
      full: { type: 'boolean' },
      resume: { type: 'boolean' },
      'no-follow': { type: 'boolean' },
      timeout: { type: 'string' },
      poll: { type: 'string' },
      ...API_TARGET_FLAGS,
      help: { type: 'boolean' },
    },
    USAGE,
  );
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.full && flags.resume) throw new UsageError(`--full starts a new resync, --resume continues the last one: pick one\n\n${USAGE}`);
  const target = apiTargetFrom(flags);
  const timeoutMs = positiveNumber(flags.timeout, '--timeout', 3600) * 1000;
  const pollMs = positiveNumber(flags.poll, '--poll', 1) * 1000;

  const stream = flags.stream ?? 'orders';
  if (!isStreamName(stream))
    throw new UsageError(`--stream: no stream "${stream}"; the streams are ${STREAM_NAMES.join(', ')}\n\n${USAGE}`);
  const base = `/api/sync/${stream}`;
  const route = flags.resume ? `${base}/full?resume=true` : flags.full ? `${base}/full` : base;
  const answer = await callApi(target, 'POST', route);
  if (answer.status === 409) {
    const running = answer.body?.error?.running;
    const hint = running?.execution ? `\n  follow it with: npm run status   (execution ${running.execution})` : '';
    throw new CliError(`refused (409): ${errorMessage(answer)}${hint}`);
  }
  if (answer.status !== 202) throw new CliError(`POST ${route} answered ${answer.status}: ${errorMessage(answer)}`);
  const accepted = answer.body as { run_id: string; mode: string; message: string; execution: { name: string } };
  console.log(`▶ ${accepted.message}: run ${accepted.run_id}, execution ${accepted.execution.name}`);
  if (flags['no-follow']) return 0;

  const progress = progressPrinter();
  const followed = await followRun({
    readStatus: async () => {
      const status = await callApi(target, 'GET', '/api/sync/status');
      if (status.status !== 200) throw new CliError(`the status route answered ${status.status}: ${errorMessage(status)}`);
      const section = (status.body as Partial<SyncStatus>)[stream];
      if (!section) throw new CliError(`the status route has no ${stream} section: is the stream enabled (STREAMS)?`);
      return section;
    },
    runId: accepted.run_id,
    deadlineMs: timeoutMs,
    pollMs,
    onProgress: (running) => progress.show(progressLine(running, stream)),
  });
  progress.end();

  if (followed.outcome === 'deadline') {
    throw new CliError(`still running after ${duration(timeoutMs / 1000)}; it goes on: follow it with npm run status`);
  }
  if (followed.outcome === 'gone') {
    throw new CliError('the run ended without a result: its execution stopped before the run began; see npm run executions');
  }
  const { lastRun, status } = followed;
  if (lastRun.status === 'failed') {
    const resumable = status.resumable ? `\n  continue it with: npm run sync -- ${resumeFlags(stream)}` : '';
    throw new CliError(`${lastRunLine(lastRun, stream)}\n  ${runErrorLine(lastRun)}${resumable}`);
  }
  console.log(`✔ ${lastRunLine(lastRun, stream)}`);
  console.log(`  execution  ${lastRun.execution}`);
  console.log(`  watermark  ${status.metadata.watermark ?? '-'}`);
  console.log(`  stored     ${count(status.count)} ${stream}`);
  return 0;
}

/** On a terminal the progress line rewrites itself; in a pipe or a log, a line at most every few seconds. */
function progressPrinter() {
  const tty = process.stdout.isTTY === true;
  let shown = '';
  let printedAt = 0;
  return {
    show(line: string) {
      if (line === shown) return;
      shown = line;
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else if (Date.now() - printedAt >= 2000) {
        printedAt = Date.now();
        console.log(line);
      }
    },
    end() {
      if (tty && shown) process.stdout.write('\n');
    },
  };
}

runCli(main);
