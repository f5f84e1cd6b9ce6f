// The sync state machine, defined once and built twice: begin → sync page (looped) → commit → announce the orders
// newly quarantined, with continue-as-new after a bounded number of pages and every failure recorded. Standard for full
// resyncs and long runs; Express for incremental runs, which hand over to the Standard machine when they outgrow
// Express's 5 minutes. JSONPath only: the local interpreter silently ignores JSONata.
import { Duration, RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RETRYABLE_ERROR_NAMES, SalesDaysLeftError } from '../../functions/core/errors';

/** State names: the local runner binds each Task to its handler BY STATE NAME, so these are a contract. */
export const STATE_NAMES = {
  begin: 'Begin',
  beginFailed: 'BeginFailed',
  skippedChoice: 'Skipped?',
  skipped: 'Skipped',
  syncPage: 'SyncPage',
  morePagesChoice: 'MorePages?',
  waitForSource: 'WaitForSource',
  continueAsNew: 'ContinueAsNew',
  handedOver: 'HandedOver',
  commit: 'Commit',
  anyNewlyQuarantinedChoice: 'AnyNewlyQuarantined?',
  notifyQuarantined: 'NotifyQuarantined',
  done: 'Done',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;

/** The error the execution fails with after RecordFailure; the cause is the caught error's. */
export const RUN_FAILED_ERROR = 'SyncFailed';

/** Errors of the Lambda service itself (not of our code): always safe to retry. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** A step that ran out of time (Lambda's own timeout, or the task's). Retried only where a step is idempotent. */
export const TIMEOUT_ERRORS = ['Sandbox.Timedout', 'States.Timeout'] as const;

/** How a retrier retries, in the units of sfn.RetryProps; exported so the lease check and the tests agree. */
export interface RetryPlan {
  errors: readonly string[];
  intervalSeconds: number;
  backoffRate: number;
  maxDelaySeconds: number;
  maxAttempts: number;
}

/** Transient source and store errors: the source gets time to recover (2, 4, 8 ... capped at 60 s, jittered). */
export const TRANSIENT_RETRY: RetryPlan = {
  errors: RETRYABLE_ERROR_NAMES,
  intervalSeconds: 2,
  backoffRate: 2,
  maxDelaySeconds: 60,
  maxAttempts: 6,
};

/** Lambda hiccups: short, few. */
export const LAMBDA_SERVICE_RETRY: RetryPlan = {
  errors: LAMBDA_SERVICE_ERRORS,
  intervalSeconds: 1,
  backoffRate: 2,
  maxDelaySeconds: 10,
  maxAttempts: 3,
};

/** A page step is idempotent (invariant 3), so a timed-out one is simply run again. */
export const PAGE_TIMEOUT_RETRY: RetryPlan = {
  errors: TIMEOUT_ERRORS,
  intervalSeconds: 2,
  backoffRate: 2,
  maxDelaySeconds: 30,
  maxAttempts: 2,
};

/** The next part's name is already taken: by this run's own earlier attempt (names carry run id and part). */
export const EXECUTION_ALREADY_EXISTS = 'StepFunctions.ExecutionAlreadyExistsException';

/** Starting the next execution: the Step Functions API may be briefly unavailable. */
export const START_EXECUTION_RETRY: RetryPlan = {
  errors: ['StepFunctions.SdkClientException', 'States.TaskFailed'],
  intervalSeconds: 1,
  backoffRate: 2,
  maxDelaySeconds: 20,
  maxAttempts: 4,
};

/** Publishing the quarantine notification: SNS or KMS briefly unavailable or throttled. A few tries, then let it be. */
export const NOTIFY_RETRY: RetryPlan = {
  errors: ['States.ALL'],
  intervalSeconds: 2,
  backoffRate: 2,
  maxDelaySeconds: 20,
  maxAttempts: 3,
};

/**
 * The notification of orders newly quarantined, as the topic receives it: the committed run's outcome fills it in
 * (`newlyQuarantined.listing` is one line per order: the intrinsics cannot join a list). Literal text must avoid
 * apostrophes and braces (intrinsic string syntax) and unbalanced parentheses (the local interpreter counts them).
 */
export const QUARANTINE_NOTIFICATION = {
  subject: ['order-sync {}: orders newly quarantined: {}', '$.stream', '$.newlyQuarantined.count'],
  message: [
    [
      'order-sync {}: orders newly quarantined since the previous commit: {}.',
      'They break the source contract, or are too big to store. Every other order was stored, and the run committed.',
      'Run {}, execution {}:',
      '{}',
      'Where: GET /api/sync/status lists every quarantined order under orders.quarantined, with its field and error; so does npm run status.',
      'What to do: fix each order at the source. The next run that meets it valid stores it and takes it out of the quarantine.',
      'Until then the copy lacks it, or holds an older version of it that the status marks as behind.',
      'Each order is announced once; again only if it is released and breaks again.',
    ].join('\n'),
    '$.stream',
    '$.newlyQuarantined.count',
    '$.runId',
    '$.executionName',
    '$.newlyQuarantined.listing',
  ],
} as const;

/** The retriers of the page step, in order. */
export const PAGE_STEP_RETRIES: readonly RetryPlan[] = [TRANSIENT_RETRY, LAMBDA_SERVICE_RETRY, PAGE_TIMEOUT_RETRY];

/**
 * The longest a page step can take from its first attempt to its last, every retrier exhausted: the lease
 * must outlive this, or a run could lose its lease while Step Functions is still retrying its page.
 */
export function worstCaseStepSeconds(stepTimeoutSeconds: number, retries: readonly RetryPlan[]): number {
  let total = stepTimeoutSeconds; // the first attempt
  for (const plan of retries) {
    for (let retry = 0; retry < plan.maxAttempts; retry++) {
      total += stepTimeoutSeconds + Math.min(plan.intervalSeconds * plan.backoffRate ** retry, plan.maxDelaySeconds);
    }
  }
  return Math.ceil(total);
}

function retryProps(plan: RetryPlan): sfn.RetryProps {
  return {
    errors: [...plan.errors],
    interval: Duration.seconds(plan.intervalSeconds),
    backoffRate: plan.backoffRate,
    maxDelay: Duration.seconds(plan.maxDelaySeconds),
    maxAttempts: plan.maxAttempts,
    // Full jitter: runs that failed together (a source outage) do not all come back together.
    jitterStrategy: sfn.JitterType.FULL,
  };
}

/** AWS's limit on an Express execution's duration (seconds): past it the execution ends, wherever it is. */
export const EXPRESS_MAX_SECONDS = 300;

/**
 * Kept free of steps in an Express part: the quarantine notification (SNS, three tries), the hand-over's
 * StartExecution (four tries) and the transitions themselves, with room to spare.
 */
export const EXPRESS_MARGIN_SECONDS = 60;

/** The Lambda timeouts (seconds) an Express part's page budget is planned from. */
export interface StepTimeouts {
  begin: number;
  page: number;
  commit: number;
}

/**
 * The most page steps an Express execution runs before it hands its run over to the Standard machine: Begin, that
 * many page steps and Commit, each at its Lambda timeout (a single attempt's worst case), plus the margin, fit in
 * Express's 5 minutes. A retried step can still outlast them: then the execution ends at 5 minutes with its lease
 * held, and the next trigger takes the lease over (core/lease.ts) and replans from the checkpoint, which never moved.
 */
export function expressPagesPerPart(
  timeouts: StepTimeouts,
  maxSeconds = EXPRESS_MAX_SECONDS,
  marginSeconds = EXPRESS_MARGIN_SECONDS,
): number {
  const pages = Math.floor((maxSeconds - marginSeconds - timeouts.begin - timeouts.commit) / timeouts.page);
  if (pages < 1) {
    throw new RangeError(
      `an Express execution of ${maxSeconds} s cannot hold Begin (${timeouts.begin} s), one page step (${timeouts.page} s), ` +
        `Commit (${timeouts.commit} s) and the ${marginSeconds} s margin: shorten the step timeouts`,
    );
  }
  return pages;
}

export interface SyncStepFunctions {
  begin: lambda.IFunction;
  syncPage: lambda.IFunction;
  commit: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface SyncStateMachineProps {
  /** Explicit, so the machine's own ARN is known before it exists (continue-as-new starts this machine). */
  stateMachineName: string;
  /**
   * Standard (the default): a run of any length, continuing as new in this machine. Express: a run of at most
   * `pagesPerPart` page steps and no wait, handed over (continue-as-new) to `handOverTo`, the Standard machine.
   */
  express?: { handOverTo: string; pagesPerPart: number };
  steps: SyncStepFunctions;
  /** The operators' topic: a committed run that quarantined orders publishes their ids to it. */
  notifications: sns.ITopic;
  logRetention: logs.RetentionDays;
}

export class SyncStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The machine's ARN built from its name: what continue-as-new starts and the grants name. */
  readonly ownArn: string;
  readonly logGroup: logs.LogGroup;
  readonly type: sfn.StateMachineType;

  constructor(scope: Construct, id: string, props: SyncStateMachineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const express = props.express;
    this.type = express ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD;
    this.ownArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // By default the handler's return value, not Lambda's envelope (StatusCode, ExecutedVersion ...), is the
    // next state; `keepInput` discards the result instead (RecordFailure: Failed quotes the caught error).
    const invoke = (stateName: string, fn: lambda.IFunction, payload: sfn.TaskInput, keepInput = false) =>
      new tasks.LambdaInvoke(this, stateName, {
        stateName,
        lambdaFunction: fn,
        payload,
        ...(keepInput ? { resultPath: sfn.JsonPath.DISCARD } : { outputPath: '$.Payload' }),
        // Our own retriers below, so every retried error name is listed on purpose.
        retryOnServiceExceptions: false,
      });
    const runState = sfn.TaskInput.fromJsonPathAt('$');

    // ---- begin: take the lease and plan the window, or report that another run holds it.
    // No lease was taken, so there is nothing to record or release: fail at once with begin's own error (e.g.
    // NothingToResumeError), so the console and the notification name what was refused and why.
    const beginFailed = new sfn.Fail(this, STATE_NAMES.beginFailed, {
      stateName: STATE_NAMES.beginFailed,
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const begin = invoke(
      STATE_NAMES.begin,
      props.steps.begin,
      sfn.TaskInput.fromObject({
        input: sfn.JsonPath.entirePayload,
        executionName: sfn.JsonPath.executionName,
        executionArn: sfn.JsonPath.executionId,
      }),
    )
      .addRetry(retryProps(TRANSIENT_RETRY))
      .addRetry(retryProps(LAMBDA_SERVICE_RETRY))
      .addCatch(beginFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    // ---- failure: record the error on the run (progress kept for a resume), release the lease, fail.
    // RecordFailure's own result is not needed downstream: its input (the run with `.error`) passes through,
    // so the execution fails with the caught error's cause, readable in the console and in the notification.
    const failed = new sfn.Fail(this, STATE_NAMES.failed, {
      stateName: STATE_NAMES.failed,
      error: RUN_FAILED_ERROR,
      causePath: '$.error.Cause',
    });
    const recordFailure = invoke(STATE_NAMES.recordFailure, props.steps.recordFailure, runState, true)
      .addRetry(retryProps(TRANSIENT_RETRY))
      .addRetry(retryProps(LAMBDA_SERVICE_RETRY))
      .next(failed);
    const catchIntoRecordFailure = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

    // ---- the page loop.
    const syncPage = invoke(STATE_NAMES.syncPage, props.steps.syncPage, runState);
    for (const plan of PAGE_STEP_RETRIES) syncPage.addRetry(retryProps(plan));
    syncPage.addCatch(recordFailure, catchIntoRecordFailure);

    // ---- commit, then announce the orders quarantined since the previous commit (the outcome names them). The run
    // has committed: a notification that cannot be sent is kept in the output (`notificationError`), never a failure.
    const done = new sfn.Succeed(this, STATE_NAMES.done, { stateName: STATE_NAMES.done });
    const format = ([text, ...paths]: readonly string[]) => sfn.JsonPath.format(text!, ...paths.map((path) => sfn.JsonPath.stringAt(path)));
    const notifyQuarantined = new tasks.SnsPublish(this, STATE_NAMES.notifyQuarantined, {
      stateName: STATE_NAMES.notifyQuarantined,
      topic: props.notifications,
      subject: format(QUARANTINE_NOTIFICATION.subject),
      message: sfn.TaskInput.fromText(format(QUARANTINE_NOTIFICATION.message)),
      resultPath: sfn.JsonPath.DISCARD,
    })
      .addRetry(retryProps(NOTIFY_RETRY))
      .addCatch(done, { errors: [sfn.Errors.ALL], resultPath: '$.notificationError' })
      .next(done);
    const anyNewlyQuarantined = new sfn.Choice(this, STATE_NAMES.anyNewlyQuarantinedChoice, {
      stateName: STATE_NAMES.anyNewlyQuarantinedChoice,
    })
      .when(sfn.Condition.isPresent('$.newlyQuarantined'), notifyQuarantined)
      .otherwise(done);
    const commit = invoke(STATE_NAMES.commit, props.steps.commit, runState)
      .addRetry(retryProps(TRANSIENT_RETRY))
      .addRetry(retryProps(LAMBDA_SERVICE_RETRY))
      // Commit found daily sales days touched after the sales phase (a late write) and saved the run back at that
      // phase: the page loop takes it up there. A catcher, so the common commit costs no state more.
      .addCatch(syncPage, { errors: [SalesDaysLeftError.name], resultPath: '$.error' })
      .addCatch(recordFailure, catchIntoRecordFailure)
      .next(anyNewlyQuarantined);

    // ---- continue-as-new: the same run goes on in a fresh execution, so no execution's history nears 25,000 events
    // (Standard), or before the 5 minutes are up, in the Standard machine (Express).
    const continueAsNew = new tasks.StepFunctionsStartExecution(this, STATE_NAMES.continueAsNew, {
      stateName: STATE_NAMES.continueAsNew,
      stateMachine: sfn.StateMachine.fromStateMachineArn(this, express ? 'HandOverTo' : 'Self', express?.handOverTo ?? this.ownArn),
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      name: sfn.JsonPath.stringAt('$.nextExecutionName'),
      input: sfn.TaskInput.fromObject({ continueRun: sfn.JsonPath.entirePayload }),
      // Adds AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: the console links each part to the one before.
      associateWithParent: true,
      resultPath: sfn.JsonPath.DISCARD,
    });
    const handedOver = new sfn.Succeed(this, STATE_NAMES.handedOver, { stateName: STATE_NAMES.handedOver });
    continueAsNew
      // An earlier attempt of this state already started the next part (its answer was lost): the run has been
      // handed over, so end as such instead of retrying (the first matching retrier wins; 0 attempts = none).
      .addRetry({ errors: [EXECUTION_ALREADY_EXISTS], maxAttempts: 0 })
      .addRetry(retryProps(START_EXECUTION_RETRY))
      .addCatch(handedOver, { errors: [EXECUTION_ALREADY_EXISTS] })
      .addCatch(recordFailure, catchIntoRecordFailure)
      .next(handedOver);

    // The source asked for time (a Shopify bulk export still running): the execution waits, not a Lambda. After the
    // page budget, so an export that takes hours still continues as new; the next part's first page comes unwaited.
    // An Express execution never waits: it hands the run over, and the Standard machine's next page asks again.
    const sourceAskedForTime = sfn.Condition.and(
      sfn.Condition.isPresent('$.waitSeconds'),
      sfn.Condition.numberGreaterThan('$.waitSeconds', 0),
    );
    const partFull = sfn.Condition.numberGreaterThanEqualsJsonPath('$.pagesInPart', '$.maxPagesPerPart');
    const morePages = new sfn.Choice(this, STATE_NAMES.morePagesChoice, { stateName: STATE_NAMES.morePagesChoice }).when(
      sfn.Condition.booleanEquals('$.done', true),
      commit,
    );
    if (express) {
      morePages.when(
        sfn.Condition.or(partFull, sfn.Condition.numberGreaterThanEquals('$.pagesInPart', express.pagesPerPart), sourceAskedForTime),
        continueAsNew,
      );
    } else {
      const waitForSource = new sfn.Wait(this, STATE_NAMES.waitForSource, {
        stateName: STATE_NAMES.waitForSource,
        time: sfn.WaitTime.secondsPath('$.waitSeconds'),
      }).next(syncPage);
      morePages.when(partFull, continueAsNew).when(sourceAskedForTime, waitForSource);
    }
    morePages.otherwise(syncPage);
    syncPage.next(morePages);

    // A run that found the lease held ends as a success: a skipped schedule tick is not an incident.
    const skippedChoice = new sfn.Choice(this, STATE_NAMES.skippedChoice, { stateName: STATE_NAMES.skippedChoice })
      .when(
        sfn.Condition.and(sfn.Condition.isPresent('$.skipped'), sfn.Condition.booleanEquals('$.skipped', true)),
        new sfn.Succeed(this, STATE_NAMES.skipped, { stateName: STATE_NAMES.skipped }),
      )
      .otherwise(syncPage);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: this.type,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(begin.next(skippedChoice)),
      // Standard: one execution syncs at most maxPagesPerExecution pages (500 by default) of a few seconds each, plus
      // retries that can wait minutes during a source outage: 12 h bounds a stuck execution without ever cutting a
      // healthy one short (a long run is a chain of executions, each with its own 12 h). Express: AWS's 5 minutes.
      timeout: express ? Duration.seconds(EXPRESS_MAX_SECONDS) : Duration.hours(12),
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        // ALL for a readable event trail (for an Express execution the only one: it has no history to describe);
        // never the data: inputs and outputs carry the run's progress, not for logs, and would multiply the bytes
        // ingested (docs/design.md "Express executions").
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // SnsPublish grants sns:Publish; publishing to an encrypted topic also takes its key (these two actions, no wildcard).
    props.notifications.masterKey?.grant(this.stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey');
  }
}
