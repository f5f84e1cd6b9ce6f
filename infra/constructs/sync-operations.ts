// What the people who run order-sync get without looking: one notification topic, a readable message for every
// failed, timed-out or aborted execution, an alarm on failed executions (and on the Express machine's failed or timed-out
// ones, which send no status events), and for each enabled stream alarms on its
// failed runs, its watermark lag, its quarantined records and its full resync parked with its automatic resumes
// spent; and a dashboard with a row per stream.
// (The message naming newly quarantined orders is the state machine's own: infra/constructs/sync-state-machine.ts.)
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StreamName } from '../../functions/core/stream';
import { SYNC_METRICS } from '../../functions/metric-names';
import { streamTitle } from '../stream-ids';

/**
 * The metrics the functions emit (Powertools Metrics, EMF) that alarms and the dashboard read. Defined beside the
 * functions (functions/metric-names.ts, no CDK import) so both sides use the same names.
 */
export { SYNC_METRICS };

/** The execution statuses that notify: every way an execution can end that is not a success. */
export const NOTIFIED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface SyncOperationsProps {
  notificationEmail: string | undefined;
}

/** What the operations watch, once it exists: the state machine, and the functions the dashboard shows. */
export interface WatchedProps {
  stateMachine: sfn.IStateMachine;
  /**
   * The Express machine of incremental runs: it sends no execution status events, so its failed and timed-out
   * executions alarm through its metrics, and the alarm says where their trail is (its log group).
   */
  expressStateMachine?: sfn.IStateMachine;
  /** The enabled streams: each gets its own alarms and its row on the dashboard. */
  streams: readonly StreamName[];
  /** Lag above this (seconds) for three periods in a row alarms. */
  watermarkLagAlarmSeconds: number;
  /** Whether the schedule runs: without it no commit is expected, so a missing lag metric is not an alarm. */
  scheduleEnabled: boolean;
  /** How many times in a row the schedule resumes a full resync failed on a transient error (the message says it). */
  fullResyncAutoResumes: number;
  steps: Record<string, lambda.IFunction>;
}

/**
 * Built in two steps: the topic first (the state machine publishes to it, so it must exist before the machine),
 * then `watch` adds the rule, the alarms and the dashboard on the machine. The topic keeps its place (and its
 * logical id, so its subscriptions) under this construct.
 */
export class SyncOperations extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: SyncOperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A customer managed key: EventBridge and CloudWatch alarms cannot publish to a topic under the AWS managed key.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'order-sync notifications',
      enableKeyRotation: true,
    });
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'order-sync',
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.notificationEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
  }

  /** The failure rule, the alarms and the dashboard, on the state machine and the functions. */
  watch(watched: WatchedProps): void {
    const stack = Stack.of(this);

    // A readable message, never the raw event: what ran, how it ended, why, and where to look.
    const detail = (field: string) => events.EventField.fromPath(`$.detail.${field}`);
    const consoleLink = `https://${stack.region}.console.aws.amazon.com/states/home?region=${stack.region}#/v2/executions/details/${detail('executionArn')}`;
    new events.Rule(this, 'ExecutionEndedBadly', {
      description: 'order-sync: an execution failed, timed out or was aborted',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [watched.stateMachine.stateMachineArn], status: [...NOTIFIED_STATUSES] },
      },
      targets: [
        new eventsTargets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromMultilineText(
            [
              `order-sync: execution ${detail('name')} ended ${detail('status')}.`,
              `(The execution name says stream, mode, trigger, time and part.)`,
              `Error: ${detail('error')}`,
              `Cause: ${detail('cause')}`,
              `Execution: ${consoleLink}`,
              `A full resync that failed on a transient error (SourceUnavailableError, SourceThrottledError, StoreWriteError) is resumed by the next scheduled run, at most ${watched.fullResyncAutoResumes} times in a row; after that, and after any other error, it stays parked while incremental runs go on: fix the cause and POST /api/sync/<stream>/full?resume=true (the stream the execution name starts with). GET /api/sync/status shows the error in that stream's section, and its resumable.resumes says "next-tick" or "by-hand".`,
            ].join('\n'),
          ),
        }),
      ],
    });

    const alarmAction = new cloudwatchActions.SnsAction(this.topic);
    const failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      alarmDescription:
        'order-sync: a sync execution of any stream failed in the last 5 minutes (see the notification for its error; ' +
        "the execution name starts with its stream, whose own FailedRuns alarm fires when the run's failure was recorded)",
      metric: watched.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    failedExecutionsAlarm.addAlarmAction(alarmAction);

    if (watched.expressStateMachine) {
      const express = watched.expressStateMachine;
      const sum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
      const failedExpressAlarm = new cloudwatch.Alarm(this, 'FailedExpressExecutions', {
        alarmDescription:
          "order-sync: an incremental run's Express execution (any stream) failed or timed out in the last 5 minutes (the run id in its log lines starts with its stream). " +
          "Express executions have no history to describe: their trail (states, errors, causes) is in the Express machine's " +
          "log group (stack output ExpressExecutionsLogGroup), the run's error in GET /api/sync/status (last run), the steps' lines " +
          "in the functions' logs under the run id. A run cut at 5 minutes keeps its lease until the next trigger takes it over.",
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut',
          usingMetrics: { failed: express.metricFailed(sum), timedOut: express.metricTimedOut(sum) },
          period: Duration.minutes(5),
          label: 'Express executions failed or timed out',
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      failedExpressAlarm.addAlarmAction(alarmAction);
    }

    for (const stream of watched.streams) this.watchStream(stream, watched, alarmAction);

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: stack.stackName,
      defaultInterval: Duration.hours(24),
    });
    const executions = (label: string, metric: cloudwatch.Metric) =>
      metric.with({ label, statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    const perStream = (name: string, statistic: string) =>
      watched.streams.map((stream) => syncMetric(stream, name, statistic).with({ label: stream }));
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Runs and their outcome (executions, all streams)',
        left: [
          executions('succeeded', watched.stateMachine.metricSucceeded()),
          executions('failed', watched.stateMachine.metricFailed()),
          executions('timed out', watched.stateMachine.metricTimedOut()),
          executions('aborted', watched.stateMachine.metricAborted()),
          ...(watched.expressStateMachine
            ? [
                executions('incremental (Express) succeeded', watched.expressStateMachine.metricSucceeded()),
                executions('incremental (Express) failed', watched.expressStateMachine.metricFailed()),
                executions('incremental (Express) timed out', watched.expressStateMachine.metricTimedOut()),
              ]
            : []),
        ],
        right: perStream(SYNC_METRICS.runsFailed, cloudwatch.Stats.SUM).map((metric) =>
          metric.with({ label: `${metric.label} runs failed` }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Watermark lag (s), per stream',
        left: perStream(SYNC_METRICS.watermarkLag, cloudwatch.Stats.MAXIMUM),
        leftAnnotations: [{ value: watched.watermarkLagAlarmSeconds, label: 'alarm' }],
        width: 12,
      }),
    );
    // A row per stream: what its pages did.
    dashboard.addWidgets(
      ...watched.streams.map(
        (stream) =>
          new cloudwatch.GraphWidget({
            title: `${streamTitle(stream)} synced`,
            left: [SYNC_METRICS.recordsInserted, SYNC_METRICS.recordsUpdated, SYNC_METRICS.recordsUnchanged, SYNC_METRICS.recordsStale].map(
              (name) => syncMetric(stream, name, cloudwatch.Stats.SUM),
            ),
            right: [
              syncMetric(stream, SYNC_METRICS.pages, cloudwatch.Stats.SUM),
              syncMetric(stream, SYNC_METRICS.recordsQuarantined, cloudwatch.Stats.SUM),
            ],
            width: Math.floor(24 / watched.streams.length),
          }),
      ),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Source throttles and retries, per stream (one budget for all)',
        left: perStream(SYNC_METRICS.sourceThrottles, cloudwatch.Stats.SUM).map((metric) =>
          metric.with({ label: `${metric.label} throttles` }),
        ),
        right: perStream(SYNC_METRICS.sourceRetries, cloudwatch.Stats.SUM).map((metric) =>
          metric.with({ label: `${metric.label} retries` }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Step duration p95 (ms) and errors',
        left: Object.entries(watched.steps).map(([name, fn]) => fn.metricDuration({ statistic: 'p95', label: name })),
        right: Object.entries(watched.steps).map(([name, fn]) =>
          fn.metricErrors({ statistic: cloudwatch.Stats.SUM, label: `${name} errors` }),
        ),
        width: 12,
      }),
    );
  }

  /** One stream's alarms, on its own metrics (the `stream` dimension): a stream in trouble names itself. */
  private watchStream(stream: StreamName, watched: WatchedProps, alarmAction: cloudwatch.IAlarmAction): void {
    const title = streamTitle(stream);
    const alarm = (id: string, props: cloudwatch.AlarmProps) =>
      new cloudwatch.Alarm(this, `${title}${id}`, props).addAlarmAction(alarmAction);

    // record-failure counts the run it records: the execution alarm above fires too, for whatever stream.
    alarm('FailedRuns', {
      alarmDescription:
        `order-sync ${stream}: a ${stream} run failed in the last 5 minutes (the execution's notification has its error). ` +
        `GET /api/sync/status (${stream}.lastRun) or npm run status shows it; the other streams go on.`,
      metric: syncMetric(stream, SYNC_METRICS.runsFailed, cloudwatch.Stats.SUM),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    alarm('WatermarkLag', {
      alarmDescription:
        `order-sync ${stream}: the ${stream} copy is more than ${watched.watermarkLagAlarmSeconds} s behind the shop ` +
        `(about three missed schedule periods), or no ${stream} run has committed for 15 minutes`,
      metric: syncMetric(stream, SYNC_METRICS.watermarkLag, cloudwatch.Stats.MAXIMUM),
      threshold: watched.watermarkLagAlarmSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // No commit at all is the worst lag: with the schedule on, silence alarms too.
      treatMissingData: watched.scheduleEnabled ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // A CloudWatch alarm's message carries no data, so the ids come another way: the commit after a record is first
    // quarantined names it, and the state machine publishes that to this topic (NotifyQuarantined). The alarm says
    // where else they are: the status lists them, and each page's metric flush carries them (EMF `quarantinedIds`).
    alarm('Quarantined', {
      alarmDescription:
        `order-sync ${stream}: ${stream} were quarantined in the last 5 minutes (they broke the source contract, or are too big to store; the rest of the stream goes on). ` +
        'The first commit after a record is quarantined sends its id, field and error to this topic in its own message. ' +
        `All of them: GET /api/sync/status (${stream}.quarantined) or npm run status; in Logs Insights: ` +
        `filter stream = '${stream}' and quarantinedIds like /./ | fields runId, page, quarantinedIds (log group of the sync-page function). ` +
        'Fix the records at the source: the next run that meets them valid stores them and empties the quarantine.',
      metric: syncMetric(stream, SYNC_METRICS.recordsQuarantined, cloudwatch.Stats.SUM),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // The tick that parks a resync whose automatic resumes are spent is an incremental run that succeeds: no failed
    // execution says so, begin's metric does.
    alarm('FullResyncAutoResumesSpent', {
      alarmDescription:
        `order-sync ${stream}: a ${stream} full resync that kept failing on a transient error was resumed ${watched.fullResyncAutoResumes} times by the schedule and is now parked; ` +
        `incremental runs go on, but the resync waits for a hand. GET /api/sync/status (${stream}.resumable) or npm run status shows its error and page. ` +
        `Fix the cause, then resume it: npm run sync -- --stream ${stream} --resume, or POST /api/sync/${stream}/full?resume=true.`,
      metric: syncMetric(stream, SYNC_METRICS.fullResyncAutoResumesSpent, cloudwatch.Stats.SUM),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/** One stream's metric: exactly the dimension set the functions emit (functions/metrics.ts). */
function syncMetric(stream: StreamName, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SYNC_METRICS.namespace,
    metricName,
    dimensionsMap: { service: SYNC_METRICS.service, [SYNC_METRICS.streamDimension]: stream },
    statistic,
    period: Duration.minutes(5),
  });
}
