// IAM for the local stack: each role of the synthesized template with its policies (Refs resolved as the local
// stack resolves them), the credentials that identify it locally, and our policy evaluator (policy-evaluator.ts)
// deciding each call, answered in AWS's words.
import type { CloudFormationTemplate } from '../../../infra/synth';
import { PolicyEvaluator, type NamedPolicy } from './policy-evaluator';
import { LOCAL_ACCOUNT, type TemplateResources } from './template-resources';

/**
 * The access key of the local operator (tests, the CLI, `aws --endpoint-url`, the stack's own setup). Any key that
 * names no role of the template is the operator's (a developer's own key too): like an administrator of the
 * account, allowed everything. Every function signs as its role instead.
 */
export const OPERATOR_ACCESS_KEY = 'local';

/** A session token names the session, as an assumed role's credentials always carry one. */
const SESSION_TOKEN_PREFIX = 'local-session:';

/** The AWS managed policies the stack's roles use, as AWS publishes them (the template only names them). */
const MANAGED_POLICIES: Record<string, object> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
};

/** The credentials a function (or the state machine) signs with locally: they name its role and its session. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Who made a call: a role session, as AWS names it in an AccessDenied message. */
export interface Principal {
  roleId: string;
  session: string;
}

/** Thrown (and answered) as AWS answers a call the caller's policies do not allow. */
export class AccessDeniedError extends Error {
  readonly code = 'AccessDeniedException';
  constructor(
    readonly principalArn: string,
    readonly action: string,
    readonly resource: string,
    explicit: boolean,
  ) {
    super(
      `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ` +
        (explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`),
    );
    this.name = 'AccessDeniedException';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template: untyped JSON
type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

export class LocalIam {
  private readonly evaluatorByRole: Map<string, PolicyEvaluator>;

  /** Reads every role's policies: throws UnsupportedPolicyError, naming the statement, on one it cannot evaluate. */
  constructor(template: CloudFormationTemplate, resources: TemplateResources) {
    this.evaluatorByRole = new Map(
      [...rolePolicies(template, resources)].map(([roleId, policies]) => [roleId, new PolicyEvaluator(policies)]),
    );
  }

  /** The role names the template defines (logical ids). */
  roles(): string[] {
    return [...this.evaluatorByRole.keys()];
  }

  /** The credentials `session` of `roleId` signs with locally. */
  credentialsOf(principal: Principal): RoleCredentials {
    if (!this.evaluatorByRole.has(principal.roleId)) throw new Error(`the template has no role ${principal.roleId}`);
    return { accessKeyId: principal.roleId, secretAccessKey: 'local', sessionToken: `${SESSION_TOKEN_PREFIX}${principal.session}` };
  }

  /** Who signed a request: a role session, or the operator (null: everything allowed). */
  identify(accessKeyId: string | undefined, sessionToken: string | undefined): Principal | null {
    if (accessKeyId === undefined || !this.evaluatorByRole.has(accessKeyId)) return null;
    const session = sessionToken?.startsWith(SESSION_TOKEN_PREFIX) ? sessionToken.slice(SESSION_TOKEN_PREFIX.length) : 'local';
    return { roleId: accessKeyId, session };
  }

  /** As AWS names the caller: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  principalArn(principal: Principal): string {
    return `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${principal.roleId}/${principal.session}`;
  }

  /** Resolves when the role's policies allow `action` on every one of `resources`; else rejects with AccessDeniedError. */
  async authorize(principal: Principal | null, action: string, resources: readonly string[]): Promise<void> {
    if (principal === null) return;
    const evaluator = this.evaluatorByRole.get(principal.roleId);
    if (!evaluator) throw new Error(`the template has no role ${principal.roleId}`);
    for (const resource of resources) {
      const decision = evaluator.decide(action, resource);
      if (decision !== 'Allowed') {
        throw new AccessDeniedError(this.principalArn(principal), action, resource, decision === 'ExplicitlyDenied');
      }
    }
  }
}

/** Each role's identity policies: the AWS::IAM::Policy resources attached to it, its inline Policies, its managed ones. */
function rolePolicies(template: CloudFormationTemplate, resources: TemplateResources): Map<string, NamedPolicy[]> {
  const all = (template.Resources ?? {}) as Resources;
  const byRole = new Map<string, NamedPolicy[]>();
  for (const [roleId, role] of Object.entries(all)) {
    if (role.Type !== 'AWS::IAM::Role') continue;
    const policies: NamedPolicy[] = [];
    for (const inline of (role.Properties?.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>) {
      policies.push({
        name: `${roleId}/${inline.PolicyName}`,
        document: resolvedDocument(`${roleId}/${inline.PolicyName}`, inline.PolicyDocument, resources),
      });
    }
    for (const managed of (role.Properties?.ManagedPolicyArns ?? []) as unknown[]) {
      const arn = resources.resolve(managed);
      const document = MANAGED_POLICIES[arn];
      // Unknown AWS managed policies are not evaluated: nothing of this stack relies on one.
      if (document) policies.push({ name: arn, document });
    }
    byRole.set(roleId, policies);
  }
  for (const [policyId, policy] of Object.entries(all)) {
    if (policy.Type !== 'AWS::IAM::Policy' && policy.Type !== 'AWS::IAM::ManagedPolicy') continue;
    for (const role of (policy.Properties?.Roles ?? []) as Array<{ Ref?: string }>) {
      if (typeof role?.Ref !== 'string') continue;
      byRole.get(role.Ref)?.push({ name: policyId, document: resolvedDocument(policyId, policy.Properties?.PolicyDocument, resources) });
    }
  }
  return byRole;
}

/** The document with every Resource (and NotResource) resolved to a local ARN; the rest left for the evaluator to judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an IAM policy document from the template: untyped JSON
function resolvedDocument(name: string, document: any, resources: TemplateResources): unknown {
  if (document?.Statement === undefined) return document;
  return {
    ...document,
    Statement: [document.Statement].flat().map((statement: unknown, index: number) => {
      if (typeof statement !== 'object' || statement === null) return statement;
      const resolved: Record<string, unknown> = { ...statement };
      for (const field of ['Resource', 'NotResource'] as const) {
        if (resolved[field] === undefined) continue;
        try {
          resolved[field] = [resolved[field]].flat().map((value) => resources.resolve(value));
        } catch (error) {
          throw new Error(`policy ${name}, Statement[${index}]: ${(error as Error).message}`, { cause: error });
        }
      }
      return resolved;
    }),
  };
}
