// Catches a source that leads a walk back to a cursor it already followed (a loop that would never end): Brent's
// cycle check over the cursors' digests, so a run remembers one digest whatever the length of its walk.
import { createHash } from 'node:crypto';
import { SourceContractError } from './errors';

/** The cursor the walk followed at step `step` (a power of two), as a digest: what a later `next_cursor` must not be. */
export interface CursorMark {
  digest: string;
  step: number;
}

const digestOf = (cursor: string): string => createHash('sha256').update(cursor).digest('hex').slice(0, 32);

/**
 * The mark to keep once the page fetched at step `step` with `cursor` answered `nextCursor`; SourceContractError when
 * `nextCursor` is one the walk followed already. Any loop is caught within a few times its length: the mark moves to
 * the cursor of every power-of-two step, so once a step is past the loop's start and its length, the loop meets it.
 */
export function markAfterPage(args: {
  mark: CursorMark | undefined;
  cursor: string | null;
  nextCursor: string | null;
  step: number;
  feed: string;
}): CursorMark | undefined {
  const { mark, cursor, nextCursor, step, feed } = args;
  if (nextCursor === null) return undefined;
  const digest = digestOf(nextCursor);
  const followedAt = nextCursor === cursor ? step : mark?.digest === digest ? mark.step : null;
  if (followedAt !== null) {
    throw new SourceContractError(
      `the source broke its contract: ${feed} page ${step} answered a next_cursor the walk already followed at page ` +
        `${followedAt}; following it would loop forever (a cursor must lead past the page it came from)`,
    );
  }
  const nextStep = step + 1;
  return (nextStep & (nextStep - 1)) === 0 ? { digest, step: nextStep } : mark;
}
