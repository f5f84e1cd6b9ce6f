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
  it('alarms into the topic on any failed execution', () => {
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

  it('alarms when the watermark lags three schedule periods behind, or nothing commits at all', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: SYNC_METRICS.namespace,
      MetricName: SYNC_METRICS.watermarkLag,
      Dimensions: [{ Name: 'service', Value: SYNC_METRICS.service }],
      Threshold: 3 * 300 + 300,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: topicId }],
    });
    const hourly = Template.fromJSON(synthTemplate({ scheduleRate: 'rate(1 hour)', scheduleEnabled: false }));
    hourly.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: SYNC_METRICS.watermarkLag,
      Threshold: 3 * 3600 + 300,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms into the topic when any order is quarantined, saying where its id, field and error are', () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: SYNC_METRICS.namespace,
      MetricName: SYNC_METRICS.ordersQuarantined,
      Dimensions: [{ Name: 'service', Value: SYNC_METRICS.service }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      AlarmDescription: description,
    });
    expect(description.asString()).toContain('GET /api/sync/status (orders.quarantined)');
    // The ids themselves come in the state machine's own message (test/infra/state-machine.test.ts).
    expect(description.asString()).toContain('sends its id, field and error to this topic');
    expect(description.asString()).toContain('quarantinedIds');
  });

  it('alarms into the topic when a full resync is parked with its automatic resumes spent, saying how to resume it', () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: SYNC_METRICS.namespace,
      MetricName: SYNC_METRICS.fullResyncAutoResumesSpent,
      Dimensions: [{ Name: 'service', Value: SYNC_METRICS.service }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      AlarmDescription: description,
    });
    expect(description.asString()).toContain('resumed 3 times');
    expect(description.asString()).toContain('npm run sync -- --resume');
    expect(description.asString()).toContain('POST /api/sync/orders/full?resume=true');
  });
});

describe('dashboard', () => {
  it('shows runs and outcomes, orders synced, watermark lag, source throttles, step durations', () => {
    const body = Object.values(resourcesOfType(json, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody;
    const text = JSON.stringify(body);
    for (const title of ['Runs and their outcome', 'Orders synced', 'Watermark lag', 'Source throttles', 'Step duration'])
      expect(text).toContain(title);
    for (const metric of [
      'ExecutionsFailed',
      SYNC_METRICS.ordersInserted,
      SYNC_METRICS.watermarkLag,
      SYNC_METRICS.sourceThrottles,
      'Duration',
    ])
      expect(text).toContain(metric);
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
