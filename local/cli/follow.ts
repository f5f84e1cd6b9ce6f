// Follows one run through the status route until it ends, whatever way it ends, or until a deadline.
import type { LastRunView, RunningView, StreamStatus } from '../../functions/core/status';

/** Where the run stands in one status answer. */
export type RunSighting =
  | { seen: 'running'; running: RunningView }
  | { seen: 'ended'; lastRun: LastRunView }
  /** Neither running nor recorded: its execution ended before the run began (Begin failed), or was stopped. */
  | { seen: 'gone' };

/**
 * A run's executions are named `<lease owner>-p<part>`, and the 202 answer's run_id is that lease owner (for a
 * resume too, whose progress keeps the original run id): so the execution name, not the run id, says it is ours.
 */
export function sightingOf(status: StreamStatus, runId: string): RunSighting {
  const ours = (execution: string | null | undefined) => execution?.startsWith(`${runId}-p`) ?? false;
  const { running, last_run: lastRun } = status;
  if (lastRun && ours(lastRun.execution)) return { seen: 'ended', lastRun };
  if (running && (ours(running.execution) || running.run_id === runId)) return { seen: 'running', running };
  return { seen: 'gone' };
}

export interface FollowOptions {
  /** The run's stream's section of the status route. */
  readStatus: () => Promise<StreamStatus>;
  runId: string;
  deadlineMs: number;
  pollMs: number;
  onProgress: (running: RunningView) => void;
  sleep?: (ms: number) => Promise<void>;
}

export type FollowOutcome =
  | { outcome: 'ended'; lastRun: LastRunView; status: StreamStatus }
  | { outcome: 'gone'; status: StreamStatus }
  | { outcome: 'deadline'; running: RunningView | null };

/** Polls until the run has ended (succeeded or failed), is gone, or the deadline passes: never waits forever. */
export async function followRun(options: FollowOptions): Promise<FollowOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + options.deadlineMs;
  let lastRunning: RunningView | null = null;
  let goneOnce = false;
  for (;;) {
    const status = await options.readStatus();
    const sighting = sightingOf(status, options.runId);
    if (sighting.seen === 'ended') return { outcome: 'ended', lastRun: sighting.lastRun, status };
    if (sighting.seen === 'running') {
      goneOnce = false;
      lastRunning = sighting.running;
      options.onProgress(sighting.running);
    } else {
      // Seen twice in a row: the status item is read consistently, but a second look costs one poll only.
      if (goneOnce) return { outcome: 'gone', status };
      goneOnce = true;
    }
    if (Date.now() >= deadline) return { outcome: 'deadline', running: lastRunning };
    await sleep(options.pollMs);
  }
}
