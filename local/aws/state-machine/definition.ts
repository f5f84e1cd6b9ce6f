// The state machine definition as deployed: taken from the synthesized CloudFormation template (tokens resolved to
// local placeholders by infra/synth), validated with asl-validator, plus the ARN it has locally.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { LOCAL_PLACEHOLDERS, resolvedDefinition, STATE_MACHINE_LOGICAL_ID, type CloudFormationTemplate } from '../../../infra/synth';

// asl-validator ships no types: the part of its API used here.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');

export const LOCAL_REGION = LOCAL_PLACEHOLDERS.region;

export interface LocalDefinition {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  name: string;
}

/** The definition, ready to run locally; throws with asl-validator's findings when it is not valid ASL. */
export function definitionFromTemplate(template: CloudFormationTemplate): LocalDefinition {
  const definition = resolvedDefinition(template) as StateMachineDefinition;
  const { isValid, errorsText } = aslValidator(definition);
  if (!isValid) throw new Error(`the synthesized state machine definition is not valid ASL: ${errorsText('\n')}`);
  const name = template.Resources?.[STATE_MACHINE_LOGICAL_ID]?.Properties?.StateMachineName;
  if (typeof name !== 'string') throw new Error(`the state machine ${STATE_MACHINE_LOGICAL_ID} has no explicit StateMachineName`);
  const { partition, region, account } = LOCAL_PLACEHOLDERS;
  return { definition, stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${name}`, name };
}
