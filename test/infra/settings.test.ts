// Bad CDK context stops `cdk synth` with a message naming the key, what it accepts and what it got; cdk.json's
// context (the feature flags) is the one every synth uses: `cdk synth`, the tests and the local stack.
import { readFileSync } from 'node:fs';
import { ContextError, readSettings, scheduleExpressionProblem, schedulePeriodSeconds } from '../../infra/settings';
import { buildStack, projectContext, synthTemplate } from '../../infra/synth';

/** Settings from a plain context object, with the page-step worst case the stack would compute. */
const settingsFrom = (context: Record<string, unknown>) => readSettings((key) => context[key], 600);

describe('context validation at synth', () => {
  it('refuses a page size outside 1..250, naming the value', () => {
    expect(() => synthTemplate({ pageSize: 900 })).toThrow('context pageSize must be a whole number from 1 to 250, got 900');
  });

  it('reads numbers given as strings on the command line (-c pageSize=50) and rejects non-numbers', () => {
    expect(settingsFrom({ pageSize: '50' }).pageSize).toBe(50);
    expect(() => settingsFrom({ pageSize: 'fifty' })).toThrow('context pageSize must be a whole number from 1 to 250, got "fifty"');
    expect(() => settingsFrom({ pageSize: 2.5 })).toThrow('context pageSize must be a whole number from 1 to 250, got 2.5');
    expect(() => settingsFrom({ fullResyncAutoResumes: -1 })).toThrow(
      'context fullResyncAutoResumes must be a whole number from 0 to 100, got -1',
    );
    expect(settingsFrom({ fullResyncAutoResumes: '0' }).fullResyncAutoResumes).toBe(0);
  });

  it('names every wrong key at once', () => {
    let error: unknown;
    try {
      settingsFrom({ overlapSeconds: -1, lookbackEverySeconds: 0, maxPagesPerExecution: 5000, sourceKind: 'ftp', scheduleEnabled: 'yes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ContextError);
    const message = (error as Error).message;
    expect(message).toContain('context overlapSeconds must be a whole number from 0 to 86400, got -1');
    expect(message).toContain('context lookbackEverySeconds must be a whole number from 1 to 2592000, got 0');
    expect(message).toContain('context maxPagesPerExecution must be a whole number from 1 to 1000, got 5000');
    expect(message).toContain('context sourceKind must be one of http, shopify, got "ftp"');
    expect(message).toContain('context scheduleEnabled must be true or false, got "yes"');
  });

  it('requires the shop domain for a Shopify source and an https URL for the HTTP source', () => {
    expect(() => settingsFrom({ sourceKind: 'shopify' })).toThrow('context shopifyShopDomain is required when sourceKind is "shopify"');
    expect(() => settingsFrom({ ordersApiUrl: 'http://shop.example.com' })).toThrow(
      'context ordersApiUrl must be an https URL (plain http only for localhost), got "http://shop.example.com"',
    );
    expect(settingsFrom({ ordersApiUrl: 'http://127.0.0.1:4010' }).ordersApiUrl).toBe('http://127.0.0.1:4010');
  });

  it('accepts one existing secret, by name or by complete ARN, not both', () => {
    expect(() =>
      settingsFrom({
        sourceTokenSecretName: 'order-sync/token',
        sourceTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:order-sync/token-AbCdEf',
      }),
    ).toThrow('set one of them, not both');
    expect(() => settingsFrom({ sourceTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:order-sync/token' })).toThrow(
      'context sourceTokenSecretArn must be a complete secret ARN',
    );
  });

  it('keeps the defaults the design names when nothing is set', () => {
    expect(settingsFrom({})).toEqual(
      expect.objectContaining({
        streams: ['orders', 'products', 'customers'],
        sourceKind: 'http',
        pageSize: 250,
        overlapSeconds: 300,
        lookbackSeconds: 86_400,
        lookbackEverySeconds: 3_600,
        leaseSeconds: 900,
        maxPagesPerExecution: 500,
        fullResyncAutoResumes: 3,
        scheduleRate: 'rate(5 minutes)',
        scheduleEnabled: true,
        notificationEmail: undefined,
        // three missed 5-minute schedule periods plus the overlap
        watermarkLagAlarmSeconds: 3 * 300 + 300,
      }),
    );
  });
});

describe('schedule expressions', () => {
  it('accepts what EventBridge Scheduler accepts', () => {
    for (const expression of ['rate(5 minutes)', 'rate(1 minute)', 'rate(2 hours)', 'rate(1 day)', 'cron(0/10 * * * ? *)']) {
      expect(scheduleExpressionProblem(expression)).toBeUndefined();
    }
  });

  it('says what is wrong with what it would reject at deploy time', () => {
    expect(scheduleExpressionProblem('rate(1 minutes)')).toBe('must use the singular unit for 1 ("rate(1 minute)")');
    expect(scheduleExpressionProblem('rate(5 minute)')).toBe('must use the plural unit for 5 ("rate(5 minutes)")');
    expect(scheduleExpressionProblem('every 5 minutes')).toContain('must be "rate(N minutes|hours|days)"');
    expect(() => synthTemplate({ scheduleRate: 'rate(0 minutes)' })).toThrow('context scheduleRate must have a rate of at least 1');
  });

  it('knows the period of a rate (for the lag alarm) and that a cron has none', () => {
    expect(schedulePeriodSeconds('rate(5 minutes)')).toBe(300);
    expect(schedulePeriodSeconds('rate(1 hour)')).toBe(3600);
    expect(schedulePeriodSeconds('cron(0 * * * ? *)')).toBeUndefined();
  });
});

describe('the context in cdk.json', () => {
  it('sets every feature flag the installed aws-cdk-lib recommends, as recommended: an upgrade that adds flags stops here', () => {
    const recommended = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const context = projectContext();

    const unset = Object.keys(recommended).filter((flag) => !(flag in context));
    const otherwise = Object.keys(recommended).filter(
      (flag) => flag in context && JSON.stringify(context[flag]) !== JSON.stringify(recommended[flag]),
    );

    expect({ unset, otherwise }).toEqual({ unset: [], otherwise: [] });
  });

  it('is the context the tests and the local stack synthesize with, a test’s own context on top', () => {
    const context = projectContext();
    const [flag] = Object.keys(context);
    const stack = buildStack({ pageSize: 100 });

    expect(Object.fromEntries(Object.keys(context).map((key) => [key, stack.node.tryGetContext(key)]))).toEqual(context);
    expect(stack.node.tryGetContext('pageSize')).toBe(100);
    expect(buildStack({ [flag!]: 'overridden' }).node.tryGetContext(flag!)).toBe('overridden');
  });
});
