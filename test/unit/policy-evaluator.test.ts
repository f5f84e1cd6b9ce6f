// The identity-policy evaluator alone: AWS's order of decision (explicit Deny, then Allow, else deny), its wildcards,
// the Not- forms, and the statements it refuses rather than guess at.
import { PolicyEvaluator, UnsupportedPolicyError, type Decision } from '../../local/aws/iam/policy-evaluator';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';

const evaluator = (...statements: unknown[]) =>
  new PolicyEvaluator([{ name: 'TestPolicy', document: { Version: '2012-10-17', Statement: statements } }]);
const decide = (statements: unknown[], action: string, resource: string): Decision => evaluator(...statements).decide(action, resource);

describe('deciding a call', () => {
  it('allows what a statement grants; denies by default what none does', () => {
    const allow = { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE };
    expect(decide([allow], 'dynamodb:PutItem', TABLE)).toBe('Allowed');
    expect(decide([allow], 'dynamodb:DeleteItem', TABLE)).toBe('ImplicitlyDenied');
    expect(decide([allow], 'dynamodb:PutItem', `${TABLE}-archive`)).toBe('ImplicitlyDenied');
    expect(decide([], 'dynamodb:PutItem', TABLE)).toBe('ImplicitlyDenied');
  });

  it('lets an explicit Deny win over any Allow, in whichever order or policy', () => {
    const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
    const deny = { Effect: 'Deny', Action: ['dynamodb:PutItem'], Resource: [TABLE] };
    expect(decide([allowAll, deny], 'dynamodb:PutItem', TABLE)).toBe('ExplicitlyDenied');
    expect(decide([deny, allowAll], 'dynamodb:PutItem', TABLE)).toBe('ExplicitlyDenied');
    expect(decide([deny], 'dynamodb:PutItem', TABLE)).toBe('ExplicitlyDenied');
    expect(decide([allowAll, deny], 'dynamodb:GetItem', TABLE)).toBe('Allowed');
    const twoPolicies = new PolicyEvaluator([
      { name: 'Grants', document: { Statement: allowAll } },
      { name: 'Guard', document: { Statement: [deny] } },
    ]);
    expect(twoPolicies.decide('dynamodb:PutItem', TABLE)).toBe('ExplicitlyDenied');
  });

  it('matches actions case-insensitively, with * and ?', () => {
    const statements = [{ Effect: 'Allow', Action: ['dynamodb:Get*', 'states:?escribeExecution'], Resource: '*' }];
    expect(decide(statements, 'dynamodb:GetItem', TABLE)).toBe('Allowed');
    expect(decide(statements, 'DynamoDB:getitem', TABLE)).toBe('Allowed');
    expect(decide(statements, 'states:DescribeExecution', 'x')).toBe('Allowed');
    expect(decide(statements, 'states:DDescribeExecution', 'x')).toBe('ImplicitlyDenied');
    expect(decide(statements, 'dynamodb:BatchGetItem', TABLE)).toBe('ImplicitlyDenied');
    expect(decide([{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }], 'dynamodbx:GetItem', TABLE)).toBe('ImplicitlyDenied');
  });

  it('matches resources case-sensitively, a wildcard within its ARN segment unless it ends one', () => {
    const allow = (resource: string | string[]) => [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: resource }];
    expect(decide(allow('arn:aws:dynamodb:us-east-1:123456789012:table/*'), 'dynamodb:Query', TABLE)).toBe('Allowed');
    expect(decide(allow('arn:aws:dynamodb:us-east-1:123456789012:table/Orders'), 'dynamodb:Query', TABLE)).toBe('ImplicitlyDenied');
    expect(decide(allow('arn:aws:dynamodb:*:123456789012:table/order?'), 'dynamodb:Query', TABLE)).toBe('Allowed');
    expect(decide(allow('arn:aws:dynamodb:us-east-1:123456789012:table/order?'), 'dynamodb:Query', `${TABLE}s`)).toBe('ImplicitlyDenied');
    // A * that ends a segment runs on past colons (an execution ARN under its machine); one inside a segment does not.
    const executions = 'arn:aws:states:us-east-1:123456789012:execution:OrderSync-sync:*';
    expect(decide(allow(executions), 'dynamodb:Query', 'arn:aws:states:us-east-1:123456789012:execution:OrderSync-sync:run-1')).toBe(
      'Allowed',
    );
    expect(
      decide(
        allow('arn:aws:lambda:us-east-1:123456789012:function:Begin*Fn'),
        'dynamodb:Query',
        'arn:aws:lambda:us-east-1:123456789012:function:Begin:1:Fn',
      ),
    ).toBe('ImplicitlyDenied');
    expect(decide(allow('arn:aws:dynamodb:us-east-1:123456789012:*'), 'dynamodb:Query', `${TABLE}/index/newest`)).toBe('Allowed');
    expect(decide(allow(['arn:aws:dynamodb:us-east-1:123456789012:table/other', TABLE]), 'dynamodb:Query', TABLE)).toBe('Allowed');
    // A request on "*" (ListTables) is granted only by a "*" resource, not by a table's ARN.
    expect(decide(allow(TABLE), 'dynamodb:Query', '*')).toBe('ImplicitlyDenied');
    expect(decide(allow('*'), 'dynamodb:Query', '*')).toBe('Allowed');
    // Characters a regular expression would read are literal in a policy.
    expect(decide(allow('arn:aws:s3:::bucket.name/(a)+'), 'dynamodb:Query', 'arn:aws:s3:::bucketXname/(a)+')).toBe('ImplicitlyDenied');
    expect(decide(allow('arn:aws:s3:::bucket.name/(a)+'), 'dynamodb:Query', 'arn:aws:s3:::bucket.name/(a)+')).toBe('Allowed');
  });

  it('reads NotAction and NotResource as everything but what they list', () => {
    const allowButDelete = [{ Effect: 'Allow', NotAction: ['dynamodb:Delete*', 'dynamodb:BatchWriteItem'], Resource: TABLE }];
    expect(decide(allowButDelete, 'dynamodb:PutItem', TABLE)).toBe('Allowed');
    expect(decide(allowButDelete, 'dynamodb:DeleteItem', TABLE)).toBe('ImplicitlyDenied');
    expect(decide(allowButDelete, 'dynamodb:PutItem', `${TABLE}-2`)).toBe('ImplicitlyDenied');

    const allowElsewhere = [{ Effect: 'Allow', Action: 'dynamodb:PutItem', NotResource: TABLE }];
    expect(decide(allowElsewhere, 'dynamodb:PutItem', `${TABLE}-2`)).toBe('Allowed');
    expect(decide(allowElsewhere, 'dynamodb:PutItem', TABLE)).toBe('ImplicitlyDenied');

    const onlyReads = [
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
      { Effect: 'Deny', NotAction: 'dynamodb:Get*', NotResource: 'arn:aws:dynamodb:us-east-1:123456789012:table/scratch' },
    ];
    expect(decide(onlyReads, 'dynamodb:GetItem', TABLE)).toBe('Allowed');
    expect(decide(onlyReads, 'dynamodb:PutItem', TABLE)).toBe('ExplicitlyDenied');
    expect(decide(onlyReads, 'dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:123456789012:table/scratch')).toBe('Allowed');
  });
});

describe('refusing what it cannot evaluate, naming the statement', () => {
  const allow = { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE };
  it.each([
    [
      'a Condition',
      { ...allow, Sid: 'OnlyTagged', Condition: { StringEquals: { 'aws:ResourceTag/team': 'sync' } } },
      /Statement\[1\] \(Sid OnlyTagged\): a Condition is not evaluated/,
    ],
    ['a Principal', { ...allow, Principal: { AWS: '*' } }, /Statement\[1\]: an identity policy names no Principal/],
    ['a NotPrincipal', { ...allow, NotPrincipal: { AWS: '*' } }, /Statement\[1\]: an identity policy names no NotPrincipal/],
    ['an unknown key', { ...allow, Resources: TABLE }, /Statement\[1\]: unknown key Resources/],
    ['an Effect in the wrong case', { ...allow, Effect: 'allow' }, /Statement\[1\]: Effect must be Allow or Deny, not "allow"/],
    [
      'both Action and NotAction',
      { ...allow, NotAction: 'dynamodb:PutItem' },
      /Statement\[1\]: it needs exactly one of Action and NotAction/,
    ],
    [
      'no resource at all',
      { Effect: 'Allow', Action: 'dynamodb:GetItem' },
      /Statement\[1\]: it needs exactly one of Resource and NotResource/,
    ],
    ['an empty Action list', { ...allow, Action: [] }, /Statement\[1\]: Action must be a string or a non-empty list of strings/],
    [
      'an unresolved token',
      { ...allow, Resource: { Ref: 'Table' } },
      /Statement\[1\]: Resource must be a string or a non-empty list of strings/,
    ],
    [
      'a policy variable',
      { ...allow, Resource: 'arn:aws:s3:::home/${aws:username}' },
      /Statement\[1\]: Resource .* holds a policy variable/,
    ],
    ['an action with no service', { ...allow, Action: 'GetItem' }, /Statement\[1\]: Action GetItem is not service:action/],
  ])('refuses %s', (_, statement, why) => {
    const build = () => evaluator(allow, statement);
    expect(build).toThrow(UnsupportedPolicyError);
    expect(build).toThrow(new RegExp(`^cannot evaluate policy TestPolicy, ${why.source}`));
  });

  it('refuses a document it cannot read', () => {
    expect(() => new PolicyEvaluator([{ name: 'P', document: { Version: '2012-10-17', Statement: [allow], Extra: 1 } }])).toThrow(
      'policy P: unknown key Extra',
    );
    expect(() => new PolicyEvaluator([{ name: 'P', document: { Version: '2020-01-01', Statement: [allow] } }])).toThrow(
      'policy P: unknown Version "2020-01-01"',
    );
    expect(() => new PolicyEvaluator([{ name: 'P', document: { Version: '2012-10-17' } }])).toThrow('policy P: no Statement');
    expect(() => new PolicyEvaluator([{ name: 'P', document: 'Allow everything' }])).toThrow('policy P: the document is not an object');
  });
});
