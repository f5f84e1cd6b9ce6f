// What `npm start` prints as it runs: its own lines (readable, or JSON as Lambda's with --json-logs), an execution's
// end, a run it settled, and the operator's view (the topic's notifications, each run's metrics).
import { clockTime } from '../cli/console-log';
import type { SettledRun } from '../aws/interrupted-run';
import { printedOperations, type OperationsSink } from '../aws/operations';
import type { ExecutionRecord } from '../aws/state-machine/local-state-machine';

/** Errors our own stop gives the executions it aborts (LocalStateMachine.stopAll). */
const SHUTDOWN_ABORT_ERROR = 'Shutdown';

export type Say = (line: string) => void;

export function sayer(jsonLogs: boolean): Say {
  return (line) =>
    console.log(
      jsonLogs
        ? JSON.stringify({ level: 'INFO', message: line, timestamp: new Date().toISOString(), service: 'order-sync-local' })
        : `${clockTime(new Date())} ${line}`,
    );
}

/**
 * The operator's view (the topic's notifications, a metrics line per run) on the same console. A Ctrl-C aborts the run
 * in flight on purpose: no failure notification for that. With --json-logs, each metrics flush as EMF, as in Lambda.
 */
export function operationsSink(jsonLogs: boolean, say: Say): OperationsSink {
  const printed = printedOperations(jsonLogs ? undefined : say);
  return {
    ...printed,
    notification: (text, execution, subject) => {
      if (execution.error !== SHUTDOWN_ABORT_ERROR) printed.notification?.(text, execution, subject);
    },
    ...(jsonLogs ? { emf: (emf) => console.log(JSON.stringify(emf)) } : {}),
  };
}

export function settledLine(settled: SettledRun, how: string): string {
  const where = settled.pages === null ? 'before its first page' : `after ${settled.pages.toLocaleString('en-US')} pages (saved)`;
  const next = settled.resumable ? '; continue it with: npm run sync -- --resume' : '; the next sync redoes it';
  return `⏸ ${settled.mode} run ${settled.runId} ${how} ${where}${next}`;
}

export function executionLine(record: ExecutionRecord): string {
  const seconds = ((record.stopDate ?? new Date()).getTime() - record.startDate.getTime()) / 1000;
  const output = (record.output ?? {}) as Record<string, unknown>;
  const how =
    record.status === 'SUCCEEDED'
      ? output.skipped
        ? ' (skipped: another run holds the lease)'
        : output.done === false
          ? ' (handed over to the next part)'
          : ''
      : record.error || record.cause
        ? `: ${record.error ?? ''}${record.cause ? ` ${record.cause}` : ''}`
        : '';
  return `  execution ${record.name} ${record.status} after ${seconds.toFixed(1)} s${how}`;
}
