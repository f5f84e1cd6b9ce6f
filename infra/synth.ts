// Builds the stack in-process and returns its CloudFormation template: for the infra tests and the local runner,
// which takes the state machine's DefinitionString from it (the definition tested is the definition deployed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { EXPRESS_STATE_MACHINE_LOGICAL_ID, OrderSyncStack, STATE_MACHINE_LOGICAL_ID } from './order-sync-stack';

export { EXPRESS_STATE_MACHINE_LOGICAL_ID, STATE_MACHINE_LOGICAL_ID };
export { STATE_NAMES } from './constructs/sync-state-machine';

/** The stack's name (and so the prefix of the state machine's name). */
export const STACK_NAME = 'OrderSync';

/** A CloudFormation template as JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template: untyped JSON
export type CloudFormationTemplate = Record<string, any>;

/**
 * Synthesize the stack with bundling skipped (no esbuild run: the template is the same but for asset hashes).
 * The context is cdk.json's, as for `cdk synth`; `context` overrides it (the keys of infra/settings.ts); a bad value
 * throws ContextError.
 */
export function synthTemplate(context: Record<string, unknown> = {}): CloudFormationTemplate {
  const stack = buildStack(context);
  return stack.node.root instanceof App
    ? (stack.node.root.synth().getStackArtifact(stack.artifactId).template as CloudFormationTemplate)
    : {};
}

/**
 * The context `cdk synth` reads from cdk.json (its feature flags, and any setting kept there): the tests and the
 * local stack build from it too, so they synthesize the definition a deploy would.
 */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** The stack itself, in a fresh app with bundling skipped: for tests that add aspects (cdk-nag) before synth. */
export function buildStack(context: Record<string, unknown> = {}): OrderSyncStack {
  const app = new App({ context: { ...projectContext(), 'aws:cdk:bundling-stacks': [], ...context } });
  return new OrderSyncStack(app, STACK_NAME);
}

/** Stand-ins for what CloudFormation fills in at deploy time. */
export interface DeployPlaceholders {
  partition: string;
  region: string;
  account: string;
}

export const LOCAL_PLACEHOLDERS: DeployPlaceholders = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

/**
 * The state machine's definition as Step Functions would see it: the DefinitionString's Fn::Join resolved, with
 * pseudo parameters from `placeholders`, each function's `Fn::GetAtt [id, Arn]` as a Lambda ARN named by its
 * logical id, and each topic's `Ref` as an SNS ARN named by its logical id. For asl-validator and the local runner
 * (which binds Tasks by state name, not by ARN).
 */
export function resolvedDefinition(
  template: CloudFormationTemplate,
  placeholders: DeployPlaceholders = LOCAL_PLACEHOLDERS,
  /** Which machine: the Standard one (default) or EXPRESS_STATE_MACHINE_LOGICAL_ID. */
  logicalId: string = STATE_MACHINE_LOGICAL_ID,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template: untyped JSON
): Record<string, any> {
  const definition = template.Resources?.[logicalId]?.Properties?.DefinitionString;
  if (definition === undefined) throw new Error(`template has no ${logicalId} DefinitionString`);
  const { partition, region, account } = placeholders;
  const topicArns = Object.fromEntries(
    Object.entries<{ Type: string }>(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::SNS::Topic')
      .map(([logicalId]) => [logicalId, `arn:${partition}:sns:${region}:${account}:${logicalId}`]),
  );
  return JSON.parse(resolveIntrinsic(definition, placeholders, topicArns));
}

/**
 * A template string value (plain, or Fn::Join of Refs to pseudo parameters and Arn attributes) as deployed; `refs`
 * gives what a `Ref` to one of the template's resources resolves to.
 */
export function resolveIntrinsic(value: unknown, placeholders: DeployPlaceholders, refs: Record<string, string> = {}): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template: untyped JSON
    const node = value as Record<string, any>;
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolveIntrinsic(part, placeholders, refs)).join(separator);
    }
    if ('Ref' in node) {
      const pseudo: Record<string, string> = {
        'AWS::Partition': placeholders.partition,
        'AWS::Region': placeholders.region,
        'AWS::AccountId': placeholders.account,
        'AWS::URLSuffix': 'amazonaws.com',
        ...refs,
      };
      const resolved = pseudo[node.Ref as string];
      if (resolved === undefined) throw new Error(`cannot resolve Ref ${String(node.Ref)} in the definition`);
      return resolved;
    }
    if ('Fn::GetAtt' in node) {
      const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
      if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} in the definition`);
      const { partition, region, account } = placeholders;
      return `arn:${partition}:lambda:${region}:${account}:function:${logicalId}`;
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in the definition`);
}
