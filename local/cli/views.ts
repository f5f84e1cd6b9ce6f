// How the CLI shows the status route and the executions to a person: pure functions from the API's answers to text.
import type { LastRunView, RunningView, SyncStatus } from '../../functions/core/status';
import { ago, count, duration, table } from './common';

const BAR_WIDTH = 24;

/** One line of progress: a bar when the run's total is known (full runs), then pages, orders, rate and ETA. */
export function progressLine(running: RunningView): string {
  if (running.started_at === null) return `starting ${running.mode} run (execution ${running.execution})…`;
  const parts = [`page ${count(running.pages)}`];
  const total = running.expected_total;
  parts.push(total ? `${count(running.orders_fetched)}/${count(total)} orders` : `${count(running.orders_fetched)} orders`);
  if (running.orders_per_second !== null) parts.push(`${count(Math.round(running.orders_per_second))} orders/s`);
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
export function lastRunLine(run: LastRunView): string {
  const seconds = (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000;
  const rate = seconds > 0 && run.counts.fetched > 0 ? ` (${count(Math.round(run.counts.fetched / seconds))} orders/s)` : '';
  const what = `${run.mode} run ${run.status === 'succeeded' ? 'succeeded' : 'FAILED'}`;
  return `${what}: ${count(run.pages)} pages, ${count(run.counts.fetched)} orders (${countsText(run.counts)}) in ${duration(seconds)}${rate}`;
}

/** A failed run's error: where it stopped and why. */
export function runErrorLine(run: LastRunView): string | null {
  return run.error ? `error at page ${count(run.error.page)}: ${run.error.name}: ${run.error.message}` : null;
}

/** The status route, readable. */
export function formatStatus(status: SyncStatus, nowMs: number): string {
  const { orders } = status;
  const meta = orders.metadata;
  const lines = [
    `orders stored   ${count(orders.count)}`,
    `last synced     ${orders.last_synced ? `${orders.last_synced} (${ago(orders.last_synced, nowMs)}), ${meta.is_full_sync ? 'full' : 'incremental'}, ${count(meta.records_synced)} orders fetched` : 'never'}`,
    `watermark       ${meta.watermark ?? '-'}`,
    `newest order    ${meta.last_record_time ?? '-'}`,
  ];
  if (orders.running) {
    const running = orders.running;
    lines.push(`running         ${running.mode} run ${running.run_id} (${running.trigger}), execution ${running.execution}`);
    lines.push(`                ${progressLine(running)}`);
  } else lines.push('running         nothing');
  if (orders.last_run) {
    lines.push(`last run        ${lastRunLine(orders.last_run)}`);
    const error = runErrorLine(orders.last_run);
    if (error) lines.push(`                ${error}`);
    lines.push(
      `                execution ${orders.last_run.execution}, finished ${ago(orders.last_run.finished_at, nowMs)} (${orders.last_run.trigger})`,
    );
  }
  if (orders.last_deep_lookback) {
    const deep = orders.last_deep_lookback;
    lines.push(
      `deep lookback   ${ago(deep.at, nowMs)} from ${deep.reached_from}: ${count(deep.found)} orders ordinary windows had missed` +
        (deep.found > 0 ? ' (the source makes changes visible late)' : ''),
    );
  }
  if (orders.resumable) {
    const resumable = orders.resumable;
    lines.push(
      `resumable       full resync ${resumable.run_id} stopped after ${count(resumable.pages)} pages (${count(resumable.orders_fetched)} orders); ` +
        (resumable.resumes === 'next-tick'
          ? `the next scheduled run resumes it (automatic resume ${resumable.auto_resumes + 1}), or: npm run sync -- --resume`
          : `${resumable.auto_resumes > 0 ? `parked after ${resumable.auto_resumes} automatic resumes; ` : ''}continue it with: npm run sync -- --resume`),
    );
  }
  const quarantined = orders.quarantined;
  if (quarantined && quarantined.count > 0) {
    const shown = quarantined.orders.length < quarantined.count ? ` (the newest ${quarantined.orders.length})` : '';
    lines.push(
      `quarantined     ${count(quarantined.count)} orders set aside, not stored${shown}; fix them at the source, the next run stores them:`,
    );
    for (const order of quarantined.orders) {
      const behind = order.behind ? ` · copy behind: holds ${order.stored_updated_at}` : '';
      const raw = order.raw_kept ? '' : ' · payload too big to keep';
      lines.push(`                ${order.id} ${order.field}: ${order.message} (seen ${ago(order.seen_at, nowMs)}${behind}${raw})`);
    }
  }
  return lines.join('\n');
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
    return [
      execution.name,
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
  return table([['NAME', 'STATUS', 'STARTED (UTC)', 'DURATION', 'PAGES', 'ORDERS', 'NEW', 'CHANGED', 'NOTE'], ...rows]);
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
