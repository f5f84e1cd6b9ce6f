// What operators get: the notification topic, the failure rule and its readable message, the alarms, the
// dashboard, and a stack that passes cdk-nag's AwsSolutions pack with every accepted finding argued for.
import { App, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SYNC_METRICS } from '../../infra/constructs/sync-operations';
import { buildStack, synthTemplate, type CloudFormationTemplate } from '../../infra/synth';
import { logicalId, resourcesOfType } from './template-helpers';

let json: CloudFormationTemplate;
let template: Template;
let topicId: string;

beforeAll(() => {
  json = synthTemplate({ notificationEmail: 'ops@example.com' });
  template = Template.fromJSON(json);
  topicId = logicalId(json, 'AWS::SNS::Topic');
});

describe('notifications', () => {
  it('has one encrypted topic, TLS only, with the email from context subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    expect(Object.keys(resourcesOfType(synthTemplate(), 'AWS::SNS::Subscription'))).toEqual([]); // no email, no subscription
  });

  it("sends a readable message when this state machine's execution fails, times out or is aborted", () => {
    const message = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [{ Ref: 'SyncStateMachine' }], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: topicId }, InputTransformer: { InputPathsMap: Match.anyValue(), InputTemplate: message } })],
    });
    const rule = Object.values(resourcesOfType(json, 'AWS::Events::Rule'))[0]!;
    const paths = rule.Properties.Targets[0].InputTransformer.InputPathsMap;
    expect(Object.values(paths).sort()).toEqual([
      '$.detail.cause',
      '$.detail.error',
      '$.detail.executionArn',
      '$.detail.name',
      '$.detail.status',
    ]);
    const text = JSON.stringify(message.asObject());
    expect(text).toContain('ended <detail-status>');
    expect(text).toContain('Error: <detail-error>');
    expect(text).toContain('console.aws.amazon.com/states');
    // A full resync failing on a transient error: resumed by the schedule a bounded number of times, then parked.
    expect(text).toContain('at most 3 times in a row');
    expect(text).toContain('it stays parked while incremental runs go on');
    expect(text).not.toContain('<aws.events.event>'); // never the raw event
  });
});

describe('alarms', () => {
  const streamDimensions = (stream: string) => [
    { Name: 'service', Value: SYNC_METRICS.service },
    { Name: 'stream', Value: stream },
  ];
  /** The alarms on one metric, by the stream their dimension names. */
  const alarmsOn = (metricName: string, of: CloudFormationTemplate = json) =>
    new Map(
      Object.values(resourcesOfType(of, 'AWS::CloudWatch::Alarm'))
        .filter((alarm) => alarm.Properties.MetricName === metricName)
        .map((alarm) => [alarm.Properties.Dimensions.find((d: { Name: string }) => d.Name === 'stream')?.Value, alarm.Properties]),
    );

  it('alarms into the topic on any failed execution, whatever its stream', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'SyncStateMachine' } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('alarms into the topic on a failed or timed-out Express execution (they send no status-change event), saying where their trail is', () => {
    const [alarm] = Object.values(resourcesOfType(json, 'AWS::CloudWatch::Alarm')).filter((one) =>
      JSON.stringify(one.Properties.Metrics ?? []).includes('SyncExpressStateMachine'),
    );
    expect(alarm).toBeDefined();
    const metrics = alarm!.Properties.Metrics as Array<Record<string, any>>;
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe('failed + timedOut');
    expect(metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort()).toEqual([
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    for (const metric of metrics.filter((one) => one.MetricStat)) {
      expect(metric.MetricStat.Metric.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: { Ref: 'SyncExpressStateMachine' } }]);
    }
    expect(alarm!.Properties).toMatchObject({ Threshold: 1, AlarmActions: [{ Ref: topicId }] });
    expect(alarm!.Properties.AlarmDescription).toContain('ExpressExecutionsLogGroup');
  });

  it("alarms per stream, on that stream's metrics only: failed runs, watermark lag, quarantined records, auto-resumes spent", () => {
    for (const metricName of [
      SYNC_METRICS.runsFailed,
      SYNC_METRICS.watermarkLag,
      SYNC_METRICS.recordsQuarantined,
      SYNC_METRICS.fullResyncAutoResumesSpent,
    ]) {
      const alarms = alarmsOn(metricName);
      expect([...alarms.keys()].sort()).toEqual(['customers', 'orders', 'products']);
      for (const [stream, alarm] of alarms) {
        // Exactly the dimension set the functions emit (test/unit/metrics.test.ts): any other set matches no data.
        expect(alarm).toMatchObject({
          Namespace: SYNC_METRICS.namespace,
          Dimensions: streamDimensions(stream),
          AlarmActions: [{ Ref: topicId }],
        });
        expect(alarm.AlarmDescription).toMatch(new RegExp(`^order-sync ${stream}: `));
      }
    }
  });

  it("alarms on a stream's failed runs: any in 5 minutes", () => {
    for (const alarm of alarmsOn(SYNC_METRICS.runsFailed).values()) {
      expect(alarm).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(alarm).toMatchObject({ TreatMissingData: 'notBreaching' });
    }
    expect(alarmsOn(SYNC_METRICS.runsFailed).get('customers')!.AlarmDescription).toContain('GET /api/sync/status (customers.lastRun)');
  });

  it("alarms when a stream's watermark lags three schedule periods behind, or nothing of it commits at all", () => {
    for (const alarm of alarmsOn(SYNC_METRICS.watermarkLag).values()) {
      expect(alarm).toMatchObject({ Statistic: 'Maximum', Threshold: 3 * 300 + 300, EvaluationPeriods: 3, TreatMissingData: 'breaching' });
    }
    const hourly = synthTemplate({ scheduleRate: 'rate(1 hour)', scheduleEnabled: false });
    for (const alarm of alarmsOn(SYNC_METRICS.watermarkLag, hourly).values()) {
      expect(alarm).toMatchObject({ Threshold: 3 * 3600 + 300, TreatMissingData: 'notBreaching' });
    }
  });

  it("alarms when any of a stream's records is quarantined, saying where its id, field and error are", () => {
    for (const [stream, alarm] of alarmsOn(SYNC_METRICS.recordsQuarantined)) {
      expect(alarm).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(alarm).toMatchObject({ TreatMissingData: 'notBreaching' });
      expect(alarm.AlarmDescription).toContain(`GET /api/sync/status (${stream}.quarantined)`);
      // The ids themselves come in the state machine's own message (test/infra/state-machine.test.ts).
      expect(alarm.AlarmDescription).toContain('sends its id, field and error to this topic');
      expect(alarm.AlarmDescription).toContain(`filter stream = '${stream}' and quarantinedIds like /./`);
    }
  });

  it("alarms when a stream's full resync is parked with its automatic resumes spent, saying how to resume that stream's", () => {
    for (const [stream, alarm] of alarmsOn(SYNC_METRICS.fullResyncAutoResumesSpent)) {
      expect(alarm).toMatchObject({ Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      expect(alarm.AlarmDescription).toContain('resumed 3 times');
      expect(alarm.AlarmDescription).toContain(`npm run sync -- --stream ${stream} --resume`);
      expect(alarm.AlarmDescription).toContain(`POST /api/sync/${stream}/full?resume=true`);
    }
  });

  it('builds the alarms of the enabled streams only', () => {
    const ordersOnly = synthTemplate({ streams: 'orders' });
    const streamAlarms = Object.values(resourcesOfType(ordersOnly, 'AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === SYNC_METRICS.namespace,
    );
    expect(streamAlarms).toHaveLength(4);
    for (const alarm of streamAlarms) expect(alarm.Properties.Dimensions).toEqual(streamDimensions('orders'));
  });
});

describe('dashboard', () => {
  it("shows runs and outcomes, each stream's records synced, watermark lag and throttles per stream, step durations", () => {
    const body = Object.values(resourcesOfType(json, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody;
    const text = JSON.stringify(body);
    for (const title of [
      'Runs and their outcome',
      'Orders synced',
      'Products synced',
      'Customers synced',
      'Watermark lag',
      'Source throttles',
      'Step duration',
    ])
      expect(text).toContain(title);
    for (const metric of [
      'ExecutionsFailed',
      SYNC_METRICS.recordsInserted,
      SYNC_METRICS.watermarkLag,
      SYNC_METRICS.sourceThrottles,
      'Duration',
    ])
      expect(text).toContain(metric);
    // Every stream metric on it is one stream's: [namespace, name, "service", "order-sync", "stream", <stream>].
    for (const stream of ['orders', 'products', 'customers'])
      expect(text).toContain(`\\"${SYNC_METRICS.watermarkLag}\\",\\"service\\",\\"order-sync\\",\\"stream\\",\\"${stream}\\"`);
  });
});

describe('cdk-nag AwsSolutions', () => {
  const synthWithNag = (addToStack?: (stack: ReturnType<typeof buildStack>) => void) => {
    const stack = buildStack();
    const app = stack.node.root as App;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    addToStack?.(stack);
    return () => app.synth();
  };

  it('passes with no unacknowledged finding', () => {
    expect(synthWithNag()).not.toThrow();
  });

  it('fails the synth on a finding nobody argued for (the check is live)', () => {
    const withPlainTopic = synthWithNag((stack) => new sns.Topic(stack, 'UnencryptedTopic'));
    expect(withPlainTopic).toThrow('AwsSolutions-SNS3');
  });
});
