// The source's clock, as the run sees it: windows are planned on the clock that stamps updated_at (ours moved by the
// skew the source's Date header shows), and the watermark never goes past what that clock said when the run planned.
import { epochMsOf, instantFromEpochMs } from './instant';
import type { Log } from './ports';
import type { RunProgress } from './run-types';

/** Within this, the two clocks are taken to agree (the overlap covers the rest). */
const CLOCKS_AGREE_WITHIN_MS = 5_000;

/**
 * How far to move our clock to read the source's. The measured skew comes from the source's Date header: whole
 * seconds, read across a network round trip, so it is known to a second or two. Within a few seconds the clocks are
 * taken to agree. Beyond, the estimate is taken a second low, so a window does not end after the source's now: the
 * newest changes go to the next run rather than being skipped by this one's walk.
 */
export function sourceClockOffsetMs(measuredSkewMs: number | null): number {
  return measuredSkewMs === null || Math.abs(measuredSkewMs) <= CLOCKS_AGREE_WITHIN_MS ? 0 : measuredSkewMs - 1000;
}

/**
 * The new watermark: the window's upper bound, but never later than the source's clock when the window was planned
 * (our plan time plus the skew the pages measured). A window planned before the skew was known (a first run, a
 * clock that jumped) may end in the source's future; a watermark there would put the next window's start past
 * orders the source stamps after this run.
 */
export function watermarkOf(progress: RunProgress): string {
  if (progress.sourceClockSkewMs === null || progress.sourceClockSkewMs === undefined) return progress.window.to;
  const sourceClockAtPlan = instantFromEpochMs(epochMsOf(progress.startedAt) + sourceClockOffsetMs(progress.sourceClockSkewMs));
  return sourceClockAtPlan < progress.window.to ? sourceClockAtPlan : progress.window.to;
}

/**
 * Windows follow the source's clock as last measured; a clock that moved by more than half the overlap since then
 * is worth a look (a source whose clock jumps between runs by more than the overlap can hide orders).
 */
export function warnOnClockSkewChange(log: Log, overlapMs: number, knownSkewMs: number, measuredSkewMs: number | undefined): void {
  if (measuredSkewMs === undefined || Math.abs(measuredSkewMs - knownSkewMs) * 2 <= overlapMs) return;
  log.warn('the source clock differs from the one this run planned with by more than half the overlap', {
    clockSkewSeconds: Math.round(measuredSkewMs / 1000),
    plannedSkewSeconds: Math.round(knownSkewMs / 1000),
    overlapSeconds: overlapMs / 1000,
  });
}
