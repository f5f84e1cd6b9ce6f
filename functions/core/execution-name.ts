// Names for a run, its Step Functions executions and its page writes, made to read as a sync log:
// `products-full-http-20261125T150102Z-7f3a` is a run, `…-p2` its second execution, `…#7` the write of step 7.
import { randomBytes } from 'node:crypto';
import type { Instant } from './order';
import type { SyncMode, Trigger } from './run-types';
import type { StreamName } from './stream';

/** Step Functions execution names: 1..80 characters; we keep to the ones that are safe everywhere. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const RANDOM_SUFFIX = /^[A-Za-z0-9]{1,8}$/;

function randomHex4(): string {
  return randomBytes(2).toString('hex');
}

/** `2026-11-25T15:01:02.345678Z` → `20261125T150102Z`: UTC, to the second. */
function compactTime(now: Instant): string {
  const compact = `${now.slice(0, 19).replace(/[-:]/g, '')}Z`;
  if (!/^\d{8}T\d{6}Z$/.test(compact)) throw new RangeError(`not an Instant: "${now}"`);
  return compact;
}

/**
 * A new run id: stream, mode, trigger, start time to the second and 4 random hex characters (two runs started in
 * the same second by the same trigger still differ). `random` is for tests: it must return 1..8 letters or digits.
 */
export function newRunId(stream: StreamName, mode: SyncMode, trigger: Trigger, now: Instant, random: () => string = randomHex4): string {
  const suffix = random();
  if (!RANDOM_SUFFIX.test(suffix)) throw new RangeError(`run id suffix must be 1..8 letters or digits, got "${suffix}"`);
  return `${stream}-${mode}-${trigger}-${compactTime(now)}-${suffix}`;
}

/** The name of part `part` of a run (continue-as-new starts the next part); a valid Step Functions name. */
export function executionNameFor(runId: string, part: number): string {
  if (!Number.isSafeInteger(part) || part < 0) throw new RangeError(`execution part must be an integer >= 0, got ${part}`);
  const name = `${runId}-p${part}`;
  if (!EXECUTION_NAME.test(name)) {
    throw new RangeError(`execution name "${name}" must be 1..80 characters of letters, digits, "-" and "_"`);
  }
  return name;
}

/** What a page's writes are tagged with, so a retried page recognises the orders it already wrote. */
export function writeTagFor(runId: string, page: number): string {
  if (!Number.isSafeInteger(page) || page < 0) throw new RangeError(`page must be an integer >= 0, got ${page}`);
  return `${runId}#${page}`;
}
