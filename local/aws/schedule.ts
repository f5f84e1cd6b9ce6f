// The EventBridge schedule, locally: calls the scheduled-trigger handler at the rate and with the input the
// synthesized template gives its schedule (so the same CDK context drives both), or every N seconds for demos.
import { schedulePeriodSeconds } from '../../infra/settings';
import type { CloudFormationTemplate } from '../../infra/synth';

export interface ScheduleSpec {
  /** As deployed: `rate(5 minutes)`, `cron(...)`. */
  expression: string;
  /** The period of a rate expression; undefined for cron (the local schedule then needs an explicit period). */
  periodSeconds: number | undefined;
  /** What the schedule sends its target. */
  input: unknown;
  enabled: boolean;
}

/** The stack's one EventBridge Scheduler schedule, read from the synthesized template. */
export function scheduleFromTemplate(template: CloudFormationTemplate): ScheduleSpec {
  const schedules = Object.values(template.Resources ?? {}).filter(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template resources: untyped JSON
    (resource: any) => resource?.Type === 'AWS::Scheduler::Schedule',
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template resources: untyped JSON
  ) as Array<{ Properties: Record<string, any> }>;
  if (schedules.length !== 1) throw new Error(`expected one AWS::Scheduler::Schedule in the template, found ${schedules.length}`);
  const properties = schedules[0]!.Properties;
  const expression = String(properties.ScheduleExpression);
  const rawInput = properties.Target?.Input;
  return {
    expression,
    periodSeconds: schedulePeriodSeconds(expression),
    input: typeof rawInput === 'string' ? JSON.parse(rawInput) : (rawInput ?? {}),
    enabled: properties.State !== 'DISABLED',
  };
}

export interface LocalScheduleOptions {
  periodMs: number;
  input: unknown;
  /** The scheduled-trigger handler (functions/handlers/scheduled-trigger.ts), called as its Lambda would be. */
  target: (event: unknown) => Promise<unknown>;
  /** Each tick's outcome, for the console. */
  onTick?: (outcome: { result?: unknown; error?: unknown; at: Date }) => void;
}

export interface LocalSchedule {
  periodMs: number;
  /** When the next tick fires (null once stopped). */
  nextTickAt(): Date | null;
  /** Cancels the next tick and waits for one in flight. */
  stop(): Promise<void>;
}

/**
 * Fires one period after start, then every period, like a rate schedule created at start. Ticks never overlap: the
 * next is timed from the end of the last (a tick is quick anyway: it only takes the lease and starts an execution).
 */
export function startSchedule(options: LocalScheduleOptions): LocalSchedule {
  if (!(options.periodMs > 0)) throw new RangeError(`the schedule period must be > 0 ms, got ${options.periodMs}`);
  let timer: NodeJS.Timeout | null = null;
  let nextAt: Date | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  const arm = () => {
    if (stopped) return;
    nextAt = new Date(Date.now() + options.periodMs);
    timer = setTimeout(() => {
      timer = null;
      inFlight = tick().finally(() => {
        inFlight = null;
        arm();
      });
    }, options.periodMs);
  };

  const tick = async () => {
    const at = new Date();
    try {
      options.onTick?.({ result: await options.target(options.input), at });
    } catch (error) {
      // A failed tick is logged; the schedule goes on, as EventBridge's does.
      options.onTick?.({ error, at });
    }
  };

  arm();
  return {
    periodMs: options.periodMs,
    nextTickAt: () => nextAt,
    async stop() {
      stopped = true;
      nextAt = null;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
