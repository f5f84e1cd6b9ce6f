// Builds the stack in-process and returns its CloudFormation template: for the infra tests and the local runner,
// which takes the state machine's DefinitionString from it (the definition tested is the definition deployed).
import { App } from 'aws-cdk-lib';
import { OrderSyncStack } from './order-sync-stack';

export { STATE_MACHINE_LOGICAL_ID } from './order-sync-stack';
export { STATE_NAMES } from './constructs/sync-state-machine';

/** The stack's name (and so the prefix of the state machine's name). */
export const STACK_NAME = 'OrderSync';

/** A CloudFormation template as JSON. */
export type CloudFormationTemplate = Record<string, any>;

/**
 * Synthesize the stack with bundling skipped (no esbuild run: the template is the same but for asset hashes).
 * `context` overrides the CDK context (the keys of infra/settings.ts); a bad value throws ContextError.
 */
export function synthTemplate(context: Record<string, unknown> = {}): CloudFormationTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new OrderSyncStack(app, STACK_NAME);
  return app.synth().getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
}
