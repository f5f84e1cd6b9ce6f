// Decides a call against a role's identity policies as AWS does for one account with no SCP, boundary or session
// policy: an explicit Deny wins, then an Allow, else the default deny. A statement it cannot evaluate exactly (a
// Condition, a Principal, a policy variable, an unknown key) is refused when the policy is read, never guessed at.

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** A policy document, under the name a refusal gives it (the template's logical id, or the role and inline name). */
export interface NamedPolicy {
  name: string;
  document: unknown;
}

/** Thrown when a policy holds what this evaluator does not evaluate: the message names the policy and statement. */
export class UnsupportedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPolicyError';
  }
}

/** One statement, its patterns compiled; `not` marks NotAction / NotResource. */
interface Statement {
  effect: 'Allow' | 'Deny';
  actions: { not: boolean; patterns: RegExp[] };
  resources: { not: boolean; patterns: RegExp[] };
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource']);
const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
/** What an identity policy may hold that is not evaluated here: each is refused, with why. */
const REFUSED_KEYS: Record<string, string> = {
  Condition: 'a Condition is not evaluated locally (the request carries no context keys to test it against)',
  Principal: 'an identity policy names no Principal (that is a resource or trust policy)',
  NotPrincipal: 'an identity policy names no NotPrincipal (that is a resource policy)',
};

/** The policies of one principal, read once: throws UnsupportedPolicyError on the first statement it cannot evaluate. */
export class PolicyEvaluator {
  private readonly statements: Statement[];

  constructor(policies: readonly NamedPolicy[]) {
    this.statements = policies.flatMap((policy) => statementsOf(policy));
  }

  decide(action: string, resource: string): Decision {
    let allowed = false;
    for (const statement of this.statements) {
      if (!matches(statement.actions, action) || !matches(statement.resources, resource)) continue;
      if (statement.effect === 'Deny') return 'ExplicitlyDenied';
      allowed = true;
    }
    return allowed ? 'Allowed' : 'ImplicitlyDenied';
  }
}

function matches(element: Statement['actions'], value: string): boolean {
  return element.patterns.some((pattern) => pattern.test(value)) !== element.not;
}

function statementsOf({ name, document }: NamedPolicy): Statement[] {
  if (!isObject(document)) throw new UnsupportedPolicyError(`policy ${name}: the document is not an object`);
  for (const key of Object.keys(document)) {
    if (!DOCUMENT_KEYS.has(key)) throw new UnsupportedPolicyError(`policy ${name}: unknown key ${key} in the document`);
  }
  if (document.Version !== undefined && !VERSIONS.has(document.Version as string)) {
    throw new UnsupportedPolicyError(`policy ${name}: unknown Version ${JSON.stringify(document.Version)}`);
  }
  if (document.Statement === undefined) throw new UnsupportedPolicyError(`policy ${name}: no Statement`);
  return [document.Statement].flat().map((statement, index) => {
    const where = `policy ${name}, Statement[${index}]${isObject(statement) && typeof statement.Sid === 'string' ? ` (Sid ${statement.Sid})` : ''}`;
    const refuse = (why: string): never => {
      throw new UnsupportedPolicyError(`cannot evaluate ${where}: ${why}`);
    };
    if (!isObject(statement)) return refuse('the statement is not an object');
    for (const key of Object.keys(statement)) {
      if (REFUSED_KEYS[key]) refuse(REFUSED_KEYS[key]);
      if (!STATEMENT_KEYS.has(key)) refuse(`unknown key ${key}`);
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      refuse(`Effect must be Allow or Deny, not ${JSON.stringify(statement.Effect)}`);
    const element = (positive: 'Action' | 'Resource', compile: (pattern: string) => RegExp) => {
      const negative = `Not${positive}`;
      const present = [positive, negative].filter((key) => statement[key] !== undefined);
      if (present.length !== 1) refuse(`it needs exactly one of ${positive} and ${negative}`);
      const key = present[0]!;
      const values = [statement[key]].flat();
      if (values.length === 0 || values.some((value) => typeof value !== 'string'))
        refuse(`${key} must be a string or a non-empty list of strings`);
      return {
        not: key === negative,
        patterns: (values as string[]).map((value) => {
          // ${aws:username} and the like: a value the request would supply, and this one carries none.
          if (value.includes('${')) refuse(`${key} ${value} holds a policy variable`);
          if (positive === 'Action' && value !== '*' && !/^[a-z0-9-]+:[^:]+$/i.test(value)) refuse(`${key} ${value} is not service:action`);
          return compile(value);
        }),
      };
    };
    return {
      effect: statement.Effect as 'Allow' | 'Deny',
      actions: element('Action', actionPattern),
      resources: element('Resource', resourcePattern),
    };
  });
}

/** Actions match case-insensitively; `*` is any run of characters, `?` any one. */
function actionPattern(pattern: string): RegExp {
  return new RegExp(`^${globToRegex(pattern, () => '.*', '.')}$`, 'i');
}

/**
 * Resources match case-sensitively. As AWS documents it, a wildcard stays within its ARN segment (between colons),
 * except a `*` that ends a segment, which may expand past the colon (`...:execution:OrderSync-sync:*`).
 */
function resourcePattern(pattern: string): RegExp {
  return new RegExp(`^${globToRegex(pattern, (next) => (next === ':' || next === undefined ? '.*' : '[^:]*'), '[^:]')}$`);
}

function globToRegex(pattern: string, star: (next: string | undefined) => string, question: string): string {
  return [...pattern]
    .map((char, index) => {
      if (char === '*') return star(pattern[index + 1]);
      if (char === '?') return question;
      return char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    })
    .join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
