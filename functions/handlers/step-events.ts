// Validates what the state machine hands each step: an operator can start an execution by hand from the console,
// so a malformed input must fail with a message that says which field, not somewhere deep in the core.
import { z } from 'zod';
import { isInstantString } from '../core/instant';
import { InvalidInputError } from '../core/errors';
import { withPosition } from '../core/run-position';

const instant = z.string().refine(isInstantString, { message: 'must be an RFC 3339 timestamp' });
const mode = z.enum(['full', 'incremental']);
const trigger = z.enum(['schedule', 'http', 'cli', 'test']);
const count = z.number().int().min(0);

const runError = z.object({ name: z.string(), message: z.string(), page: count, at: instant });

/** The run's progress as the steps save it (core/run-types.ts RunProgress). */
const runProgressSchema = z
  .object({
    runId: z.string().min(1),
    mode,
    trigger,
    window: z.object({ from: instant.nullable(), to: instant }),
    position: z
      .object({ phase: z.enum(['records', 'deletions', 'reconcile', 'sales', 'done']), cursor: z.string().nullable(), step: count })
      .optional(),
    pages: count,
    // Where a run handed over by the version before the position was (core/run-position.ts withPosition reads them).
    cursor: z.string().nullable().optional(),
    phase: z.enum(['deletions', 'reconcile']).optional(),
    phaseCursor: z.string().nullable().optional(),
    deletionSteps: count.optional(),
    walked: z.boolean().optional(),
    autoResumes: count.optional(),
    cursorMark: z.object({ digest: z.string().min(1), step: count }).optional(),
    // quarantined and deleted default to 0: a run in flight when they were deployed hands over counts without them.
    counts: z.object({
      fetched: count,
      inserted: count,
      updated: count,
      unchanged: count,
      stale: count,
      quarantined: count.default(0),
      deleted: count.default(0),
    }),
    maxRecordTime: instant.nullable(),
    lookback: z.object({ ordinaryFrom: instant, found: count }).optional(),
    expectedTotal: count.nullable(),
    sourceClockSkewMs: z.number().int().nullable(),
    startedAt: instant,
    updatedAt: instant,
    executionName: z.string().min(1),
    part: z.number().int().min(1),
    status: z.enum(['running', 'failed']),
    error: runError.optional(),
    salesZone: z.string().min(1).optional(),
    salesRebuild: z.boolean().optional(),
  })
  // A run has a position, or the cursor that held it before (null before the first page: present all the same).
  .refine((run) => run.position !== undefined || run.cursor !== undefined, { message: 'Required', path: ['position'] })
  .transform(withPosition);

export const runStateSchema = z.object({
  stream: z.string().min(1),
  leaseOwner: z.string().min(1),
  run: runProgressSchema,
  pagesInPart: count,
  maxPagesPerPart: z.number().int().min(1),
  done: z.boolean(),
  waitSeconds: z.number().int().min(0).optional(),
  nextExecutionName: z.string().min(1),
});

const startInput = z.strictObject({
  stream: z.string().min(1).optional(),
  mode,
  trigger,
  resume: z.boolean().optional(),
  runId: z.string().min(1).optional(),
});

const continueInput = z.object({ continueRun: runStateSchema });

export const beginEventSchema = z.object({
  input: z.union([continueInput, startInput], {
    message:
      'execution input must be {"mode":"incremental"|"full","trigger":"schedule"|"http"|"cli"|"test","resume"?:boolean}' +
      ' or a run handed over as {"continueRun":{...}}',
  }),
  executionName: z.string().min(1),
  executionArn: z.string().min(1),
});

export const failedRunSchema = runStateSchema.extend({
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

/** Parse or throw an InvalidInputError that lists each wrong field. */
export function parseStepEvent<T>(schema: z.ZodType<T>, event: unknown, step: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  throw new InvalidInputError(`${step}: invalid input: ${problems.join('; ')}`);
}
