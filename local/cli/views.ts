// How the CLI shows the status route and the executions to a person: pure functions from the API's answers to text.
import type { LastRunView, RunningView, StreamStatus, SyncStatus } from '../../functions/core/status';
import { isStreamName, STREAM_NAMES, type StreamName } from '../../functions/core/stream';
import { bindingOf } from '../../functions/streams';
import { ago, count, duration, table } from './common';

const BAR_WIDTH = 24;

/** What a run does after its record pages, as the progress line says it. */
const AFTER_THE_PAGES: Partial<Record<NonNullable<RunningView['phase']>, string>> = {
  deletions: 'reading the deletions',
  reconcile: 'reconciling the copy with the source',
  sales: 'recomputing the daily sales',
};

/**
 * One line of progress: a bar when the run's total is known (full runs), then pages, records, rate and ETA; after
 * the record pages, what the run does now.
 */
export function progressLine(running: RunningView, records: string = 'orders'): string {
  if (running.started_at === null) return `starting ${running.mode} run (execution ${running.execution})…`;
  const now = running.phase === null ? undefined : AFTER_THE_PAGES[running.phase];
  if (now !== undefined) return `${count(running.orders_fetched)} ${records} in ${count(running.pages)} pages · ${now}…`;
  const parts = [`page ${count(running.pages)}`];
  const total = running.expected_total;
  parts.push(total ? `${count(running.orders_fetched)}/${count(total)} ${records}` : `${count(running.orders_fetched)} ${records}`);
  if (running.orders_per_second !== null) parts.push(`${count(Math.round(running.orders_per_second))} ${records}/s`);
  if (running.eta_seconds !== null) parts.push(`ETA ${duration(running.eta_seconds)}`);
  if (!total) return parts.join(' · ');
  const done = Math.min(1, running.orders_fetched / total);
  const filled = Math.round(done * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(done * 100)).padStart(3)}%  ${parts.join(' · ')}`;
}

function countsText(counts: LastRunView['counts']): string {
  return (
    `${count(counts.inserted)} new, ${count(counts.updated)} changed, ${count(counts.unchanged)} unchanged` +
    (counts.stale ? `, ${count(counts.stale)} stale` : '') +
    (counts.deleted ? `, ${count(counts.deleted)} deleted` : '')
  );
}

/** The last run in one line: how it ended, its pages and counts, how long it took. */
export function lastRunLine(run: LastRunView, records: string = 'orders'): string {
  const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
  const rate = seconds > 0 && run.counts.fetched > 0 ? ` (${count(Math.round(run.counts.fetched / seconds))} ${records}/s)` : '';
  const what = `${run.mode} run ${run.status === 'succeeded' ? 'succeeded' : 'FAILED'}`;
  return `${what}: ${count(run.pages)} pages, ${count(run.counts.fetched)} ${records} (${countsText(run.counts)}) in ${duration(seconds)}${rate}`;
}

/** A failed run's error: where it stopped and why. */
export function runErrorLine(run: LastRunView): string | null {
  return run.error ? `error at page ${count(run.error.page)}: ${run.error.name}: ${run.error.message}` : null;
}

/** The status route, readable: a block per stream the answer holds, in the streams' order. */
export function formatStatus(status: Partial<SyncStatus>, nowMs: number): string {
  return STREAM_NAMES.flatMap((stream) => {
    const section = status[stream];
    return section ? [formatStreamStatus(stream, section, nowMs)] : [];
  }).join('\n\n');
}

function formatStreamStatus(stream: StreamName, section: StreamStatus, nowMs: number): string {
  const noun = bindingOf(stream).model.noun;
  const meta = section.metadata;
  const lines = [
    `${stream} stored `.padEnd(16) + count(section.count),
    `last synced     ${section.last_synced ? `${section.last_synced} (${ago(section.last_synced, nowMs)}), ${meta.is_full_sync ? 'full' : 'incremental'}, ${count(meta.records_synced)} ${stream} fetched` : 'never'}`,
    `watermark       ${meta.watermark ?? '-'}`,
    `newest ${noun} `.padEnd(16) + (meta.last_record_time ?? '-'),
  ];
  if (section.running) {
    const running = section.running;
    lines.push(`running         ${running.mode} run ${running.run_id} (${running.trigger}), execution ${running.execution}`);
    lines.push(`                ${progressLine(running, stream)}`);
  } else lines.push('running         nothing');
  if (section.last_run) {
    lines.push(`last run        ${lastRunLine(section.last_run, stream)}`);
    const error = runErrorLine(section.last_run);
    if (error) lines.push(`                ${error}`);
    lines.push(
      `                execution ${section.last_run.execution}, finished ${ago(section.last_run.finished_at, nowMs)} (${section.last_run.trigger})`,
    );
  }
  if (section.last_deep_lookback) {
    const deep = section.last_deep_lookback;
    lines.push(
      `deep lookback   ${ago(deep.at, nowMs)} from ${deep.reached_from}: ${count(deep.found)} ${stream} ordinary windows had missed` +
        (deep.found > 0 ? ' (the source makes changes visible late)' : ''),
    );
  }
  if (section.resumable) {
    const resumable = section.resumable;
    lines.push(
      `resumable       full resync ${resumable.run_id} stopped after ${count(resumable.pages)} pages (${count(resumable.orders_fetched)} ${stream}); ` +
        (resumable.resumes === 'next-tick'
          ? `the next scheduled run resumes it (automatic resume ${resumable.auto_resumes + 1}), or: npm run sync -- ${resumeFlags(stream)}`
          : `${resumable.auto_resumes > 0 ? `parked after ${resumable.auto_resumes} automatic resumes; ` : ''}continue it with: npm run sync -- ${resumeFlags(stream)}`),
    );
  }
  const quarantined = section.quarantined;
  if (quarantined && quarantined.count > 0) {
    const shown = quarantined.orders.length < quarantined.count ? ` (the newest ${quarantined.orders.length})` : '';
    lines.push(
      `quarantined     ${count(quarantined.count)} ${stream} set aside, not stored${shown}; fix them at the source, the next run stores them:`,
    );
    for (const order of quarantined.orders) {
      const behind = order.behind ? ` · copy behind: holds ${order.stored_updated_at}` : '';
      const raw = order.raw_kept ? '' : ' · payload too big to keep';
      lines.push(`                ${order.id} ${order.field}: ${order.message} (seen ${ago(order.seen_at, nowMs)}${behind}${raw})`);
    }
  }
  return lines.join('\n');
}

/** The sync command's flags that resume a stream's parked or failed full resync. */
export function resumeFlags(stream: StreamName): string {
  return stream === 'orders' ? '--resume' : `--stream ${stream} --resume`;
}

/** What ListExecutions and DescribeExecution say of one execution. */
export interface ExecutionView {
  name: string;
  status: string;
  startDate?: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

/** The executions as the console lists them, plus what each did (from its output). */
export function formatExecutions(executions: readonly ExecutionView[], nowMs: number): string {
  if (executions.length === 0) return 'no executions yet';
  const rows = executions.map((execution) => {
    const started = execution.startDate;
    const ended = execution.stopDate?.getTime() ?? nowMs;
    const output = parseOutput(execution.output);
    // A committed or failed run's outcome carries pages and counts; a part that handed over, the run it handed over.
    const run = (output?.run ?? output) as { pages?: number; counts?: LastRunView['counts'] } | undefined;
    const counts = run?.counts;
    const pages = run?.pages;
    const stream = execution.name.split('-')[0]!;
    return [
      execution.name,
      isStreamName(stream) ? stream : '-',
      execution.status,
      started ? started.toISOString().replace('T', ' ').slice(0, 19) : '-',
      started ? duration((ended - started.getTime()) / 1000) : '-',
      count(pages),
      count(counts?.fetched),
      count(counts?.inserted),
      count(counts?.updated),
      note(execution, output),
    ];
  });
  return table([['NAME', 'STREAM', 'STATUS', 'STARTED (UTC)', 'DURATION', 'PAGES', 'RECORDS', 'NEW', 'CHANGED', 'NOTE'], ...rows]);
}

function parseOutput(output: string | undefined): Record<string, unknown> | undefined {
  if (!output) return undefined;
  try {
    return JSON.parse(output) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function note(execution: ExecutionView, output: Record<string, unknown> | undefined): string {
  if (execution.error || execution.cause) return `${execution.error ?? ''}${execution.cause ? `: ${execution.cause}` : ''}`.slice(0, 120);
  if (output?.skipped) return String(output.reason ?? 'skipped');
  if (output && output.done === false) return 'continued as a new execution';
  if (output?.status === 'succeeded') return `committed; watermark ${String(output.watermark ?? '-')}`;
  return '';
}
