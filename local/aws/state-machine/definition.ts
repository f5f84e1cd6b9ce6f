// A state machine definition as deployed: taken from the synthesized CloudFormation template (tokens resolved to
// local placeholders by infra/synth), validated with asl-validator, plus the ARN and type it has locally.
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { LOCAL_PLACEHOLDERS, resolvedDefinition, STATE_MACHINE_LOGICAL_ID, type CloudFormationTemplate } from '../../../infra/synth';
import type { StateMachineType } from './local-state-machine';

// asl-validator ships no types: the part of its API used here.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');

export const LOCAL_REGION = LOCAL_PLACEHOLDERS.region;

export interface LocalDefinition {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
}

/**
 * The definition of the machine `logicalId` (default: the Standard one), ready to run locally; throws with
 * asl-validator's findings when it is not valid ASL.
 */
export function definitionFromTemplate(template: CloudFormationTemplate, logicalId: string = STATE_MACHINE_LOGICAL_ID): LocalDefinition {
  const definition = resolvedDefinition(template, LOCAL_PLACEHOLDERS, logicalId) as StateMachineDefinition;
  const { isValid, errorsText } = aslValidator(definition);
  if (!isValid) throw new Error(`the synthesized state machine definition ${logicalId} is not valid ASL: ${errorsText('\n')}`);
  const properties = template.Resources?.[logicalId]?.Properties;
  const name = properties?.StateMachineName;
  if (typeof name !== 'string') throw new Error(`the state machine ${logicalId} has no explicit StateMachineName`);
  const type: StateMachineType = properties?.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const { partition, region, account } = LOCAL_PLACEHOLDERS;
  return { definition, stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${name}`, name, type };
}
