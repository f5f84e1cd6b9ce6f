// Reading a synthesized template the way the infra tests ask about it: a function by its handler, the IAM
// statements its role holds, a resource's logical id.
import type { CloudFormationTemplate } from '../../infra/synth';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

export function resourcesOfType(template: CloudFormationTemplate, type: string): Resources {
  const resources = template.Resources as Resources;
  return Object.fromEntries(Object.entries(resources).filter(([, resource]) => resource.Type === type));
}

/** The logical id of the function whose description starts with `descriptionStart` (each is unique). */
export function functionIdByDescription(template: CloudFormationTemplate, descriptionStart: string): string {
  const matches = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).filter(([, fn]) =>
    String(fn.Properties.Description ?? '').startsWith(descriptionStart),
  );
  if (matches.length !== 1) throw new Error(`expected one function described "${descriptionStart}...", found ${matches.length}`);
  return matches[0]![0];
}

/** Every statement of every policy attached to the role `roleId`. */
export function statementsOfRole(template: CloudFormationTemplate, roleId: string): Statement[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function roleIdOfFunction(template: CloudFormationTemplate, functionId: string): string {
  const role = (template.Resources as Resources)[functionId]!.Properties.Role;
  return role['Fn::GetAtt'][0];
}

/** The actions a role may take, each with the resources it may take them on (as JSON, for comparison). */
export function grantsOfRole(template: CloudFormationTemplate, roleId: string): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const statement of statementsOfRole(template, roleId)) {
    expect(statement.Effect).toBe('Allow');
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of [statement.Action].flat()) {
      grants.set(action, [...(grants.get(action) ?? []), ...resources.map((resource) => JSON.stringify(resource))]);
    }
  }
  return grants;
}

export const ref = (logicalId: string) => JSON.stringify({ Ref: logicalId });
export const arnOf = (logicalId: string) => JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The one resource of `type`, or the one whose logical id starts with `idStart`. */
export function logicalId(template: CloudFormationTemplate, type: string, idStart = ''): string {
  const ids = Object.keys(resourcesOfType(template, type)).filter((id) => id.startsWith(idStart));
  if (ids.length !== 1) throw new Error(`expected one ${type} "${idStart}*", found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}
