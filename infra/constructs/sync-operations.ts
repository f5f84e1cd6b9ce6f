// What the people who run order-sync get without looking: one notification topic, a readable message for every
// failed, timed-out or aborted execution, alarms on failures, on watermark lag and on quarantined orders, and a dashboard.
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
import { SYNC_METRICS } from '../../functions/metric-names';

/**
 * The metrics the functions emit (Powertools Metrics, EMF) that alarms and the dashboard read. Defined beside the
 * functions (functions/metric-names.ts, no CDK import) so both sides use the same names.
 */
export { SYNC_METRICS };

/** The execution statuses that notify: every way an execution can end that is not a success. */
export const NOTIFIED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface SyncOperationsProps {
  stateMachine: sfn.IStateMachine;
  stream: string;
  notificationEmail: string | undefined;
  /** Lag above this (seconds) for three periods in a row alarms. */
  watermarkLagAlarmSeconds: number;
  /** Whether the schedule runs: without it no commit is expected, so a missing lag metric is not an alarm. */
  scheduleEnabled: boolean;
  steps: Record<string, lambda.IFunction>;
}

export class SyncOperations extends Construct {
  readonly topic: sns.Topic;
  readonly failureRule: events.Rule;
  readonly failedExecutionsAlarm: cloudwatch.Alarm;
  readonly watermarkLagAlarm: cloudwatch.Alarm;
  readonly quarantinedOrdersAlarm: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SyncOperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A customer managed key: EventBridge and CloudWatch alarms cannot publish to a topic under the AWS managed key.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: `order-sync ${props.stream} notifications`,
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
      displayName: `order-sync ${props.stream}`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.notificationEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));

    // A readable message, never the raw event: what ran, how it ended, why, and where to look.
    const detail = (field: string) => events.EventField.fromPath(`$.detail.${field}`);
    const consoleLink = `https://${stack.region}.console.aws.amazon.com/states/home?region=${stack.region}#/v2/executions/details/${detail('executionArn')}`;
    this.failureRule = new events.Rule(this, 'ExecutionEndedBadly', {
      description: `order-sync ${props.stream}: an execution failed, timed out or was aborted`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [props.stateMachine.stateMachineArn], status: [...NOTIFIED_STATUSES] },
      },
      targets: [
        new eventsTargets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromMultilineText(
            [
              `order-sync ${props.stream}: execution ${detail('name')} ended ${detail('status')}.`,
              `(The execution name says mode, trigger, time and part.)`,
              `Error: ${detail('error')}`,
              `Cause: ${detail('cause')}`,
              `Execution: ${consoleLink}`,
              `A full resync that failed on a transient error (SourceUnavailableError, SourceThrottledError, StoreWriteError) is resumed by the next scheduled run; after any other, fix the cause and POST /api/sync/orders/full?resume=true. GET /api/sync/status shows the error.`,
            ].join('\n'),
          ),
        }),
      ],
    });

    const alarmAction = new cloudwatchActions.SnsAction(this.topic);
    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      alarmDescription: `order-sync ${props.stream}: a sync execution failed in the last 5 minutes (see the notification for its error)`,
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedExecutionsAlarm.addAlarmAction(alarmAction);

    const lag = syncMetric(SYNC_METRICS.watermarkLag, cloudwatch.Stats.MAXIMUM);
    this.watermarkLagAlarm = new cloudwatch.Alarm(this, 'WatermarkLag', {
      alarmDescription:
        `order-sync ${props.stream}: the copy is more than ${props.watermarkLagAlarmSeconds} s behind the shop ` +
        '(about three missed schedule periods), or no run has committed for 15 minutes',
      metric: lag,
      threshold: props.watermarkLagAlarmSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // No commit at all is the worst lag: with the schedule on, silence alarms too.
      treatMissingData: props.scheduleEnabled ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.watermarkLagAlarm.addAlarmAction(alarmAction);

    // A CloudWatch alarm's message carries no data, so it says where the ids are: the status lists them, and each
    // page's metric flush carries them (EMF metadata `quarantinedIds`) beside the OrdersQuarantined value.
    const quarantined = syncMetric(SYNC_METRICS.ordersQuarantined, cloudwatch.Stats.SUM);
    this.quarantinedOrdersAlarm = new cloudwatch.Alarm(this, 'QuarantinedOrders', {
      alarmDescription:
        `order-sync ${props.stream}: orders were quarantined in the last 5 minutes (they broke the source contract, or are too big to store; the rest of the stream goes on). ` +
        'Their ids, fields and errors: GET /api/sync/status (orders.quarantined) or npm run status; in Logs Insights: ' +
        `filter quarantinedIds like /./ | fields runId, page, quarantinedIds (log group of the sync-page function). ` +
        'Fix the orders at the source: the next run that meets them valid stores them and empties the quarantine.',
      metric: quarantined,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.quarantinedOrdersAlarm.addAlarmAction(alarmAction);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-${props.stream}`,
      defaultInterval: Duration.hours(24),
    });
    const executions = (label: string, metric: cloudwatch.Metric) =>
      metric.with({ label, statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Runs and their outcome (executions)',
        left: [
          executions('succeeded', props.stateMachine.metricSucceeded()),
          executions('failed', props.stateMachine.metricFailed()),
          executions('timed out', props.stateMachine.metricTimedOut()),
          executions('aborted', props.stateMachine.metricAborted()),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Orders synced',
        left: [SYNC_METRICS.ordersInserted, SYNC_METRICS.ordersUpdated, SYNC_METRICS.ordersUnchanged, SYNC_METRICS.ordersStale].map(
          (name) => syncMetric(name, cloudwatch.Stats.SUM),
        ),
        right: [syncMetric(SYNC_METRICS.pages, cloudwatch.Stats.SUM), quarantined],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Watermark lag (s)',
        left: [lag],
        leftAnnotations: [{ value: props.watermarkLagAlarmSeconds, label: 'alarm' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Source throttles and retries',
        left: [
          syncMetric(SYNC_METRICS.sourceThrottles, cloudwatch.Stats.SUM),
          syncMetric(SYNC_METRICS.sourceRetries, cloudwatch.Stats.SUM),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Step duration p95 (ms) and errors',
        left: Object.entries(props.steps).map(([name, fn]) => fn.metricDuration({ statistic: 'p95', label: name })),
        right: Object.entries(props.steps).map(([name, fn]) =>
          fn.metricErrors({ statistic: cloudwatch.Stats.SUM, label: `${name} errors` }),
        ),
        width: 8,
      }),
    );
  }
}

function syncMetric(metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SYNC_METRICS.namespace,
    metricName,
    dimensionsMap: { service: SYNC_METRICS.service },
    statistic,
    period: Duration.minutes(5),
  });
}
