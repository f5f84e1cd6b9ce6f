// Named error classes. Step Functions Retry/Catch match on `name` (Lambda reports it as the
// errorType), so every class sets it explicitly and transient and permanent failures never share one.

/** Base of every error this project raises on purpose. `expose`: safe to show to an HTTP caller. */
export abstract class OrderSyncError extends Error {
  abstract readonly retryable: boolean;
  readonly expose: boolean = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 5xx, network error, timeout, or rate limiting that outlasted the step's own retries. Retry later. */
export class SourceUnavailableError extends OrderSyncError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly detail: { status?: number; url?: string; attempts?: number; retryAfterSeconds?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The source throttled us (HTTP 429 / GraphQL THROTTLED) beyond what the step waits itself. */
export class SourceThrottledError extends SourceUnavailableError {}

/** The source refused our credentials (401/403) or a needed scope. Never retried. Never prints the token. */
export class SourceAuthError extends OrderSyncError {
  readonly retryable = false;
}

/** The source rejected our request as malformed (400 invalid_parameter): a bug on our side. */
export class SourceRequestError extends OrderSyncError {
  readonly retryable = false;
}

/** The source answered something that is not the contract's page (not JSON, wrong shape). */
export class InvalidPageError extends OrderSyncError {
  readonly retryable = false;
}

/**
 * The source broke its contract in a way no retry mends (a next_cursor it already gave, an existence answer that is not
 * complete): the run fails, names the breach, and writes nothing from that answer.
 */
export class SourceContractError extends OrderSyncError {
  readonly retryable = false;
}

/**
 * One record (an order, a product, a customer) broke the rules of its stream in docs/source-contract.md. Names the
 * record by its noun and id, and the field.
 */
export class InvalidRecordError extends OrderSyncError {
  readonly retryable = false;
  constructor(
    readonly noun: string,
    readonly recordId: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${noun} ${recordId || '(no id)'}: field "${field}" ${problem}`);
  }
}

/** One order broke the rules of docs/source-contract.md "Order". Names the order and the field. */
export class InvalidOrderError extends InvalidRecordError {
  constructor(orderId: string, field: string, problem: string) {
    super('order', orderId, field, problem);
  }

  get orderId(): string {
    return this.recordId;
  }
}

/** Another run holds the stream's lease. */
export class RunInProgressError extends OrderSyncError {
  readonly retryable = false;
  constructor(readonly running: { runId: string; executionName?: string; mode?: string; expiresAt?: number }) {
    super(
      `a ${running.mode ?? ''} sync is already running` +
        (running.executionName ? ` (execution ${running.executionName})` : ` (run ${running.runId})`),
    );
  }
}

/** This run no longer holds the lease (it expired and another run took it): stop writing at once. */
export class LeaseLostError extends OrderSyncError {
  readonly retryable = false;
}

/**
 * Commit found daily sales days touched after the run's sales phase ended (a late write, a zombie's): it sent the run
 * back to that phase instead of committing figures that are not the copy's. The state machine catches it into the
 * page loop.
 */
export class SalesDaysLeftError extends OrderSyncError {
  readonly retryable = false;
}

/** A store write could not be completed (unprocessed items left after every retry). Retry later. */
export class StoreWriteError extends OrderSyncError {
  readonly retryable = true;
}

/** Nothing to resume, or a resume that does not fit the saved run. */
export class NothingToResumeError extends OrderSyncError {
  readonly retryable = false;
}

/** A request or an execution input that is not what the route or step accepts: says which field and why. */
export class InvalidInputError extends OrderSyncError {
  readonly retryable = false;
}

/** Configuration missing or wrong: names the setting and what it accepts. */
export class ConfigError extends OrderSyncError {
  readonly retryable = false;
  override readonly expose = false;
}

/** The error names a state machine retries (transient) — kept here so infra and code agree. */
export const RETRYABLE_ERROR_NAMES = ['SourceUnavailableError', 'SourceThrottledError', 'StoreWriteError'] as const;
