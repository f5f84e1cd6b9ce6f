// A state machine definition as deployed: taken from the synthesized CloudFormation template (tokens resolved to
// local placeholders by infra/synth), validated with asl-validator, plus the ARN and type it has locally.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { CACHE_ROOT } from '../../content-hash';
import { LOCAL_PLACEHOLDERS, resolvedDefinition, STATE_MACHINE_LOGICAL_ID, type CloudFormationTemplate } from '../../../infra/synth';
import type { StateMachineType } from './local-state-machine';

// asl-validator ships no types: the part of its API used here.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ASL_VALIDATOR_VERSION: string = require('asl-validator/package.json').version;

/**
 * Where a definition found valid is marked, by its content and the validator's version: asl-validator compiles its
 * JSON schemas on every call (some 0.5 s of CPU), and every local stack (each test file's) checks the same definitions.
 */
const VALID_MARKS = join(CACHE_ROOT, 'order-sync-valid-asl');

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
  assertValidAsl(definition, logicalId);
  const properties = template.Resources?.[logicalId]?.Properties;
  const name = properties?.StateMachineName;
  if (typeof name !== 'string') throw new Error(`the state machine ${logicalId} has no explicit StateMachineName`);
  const type: StateMachineType = properties?.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const { partition, region, account } = LOCAL_PLACEHOLDERS;
  return { definition, stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${name}`, name, type };
}

function assertValidAsl(definition: StateMachineDefinition, logicalId: string): void {
  const text = JSON.stringify(definition);
  const mark = join(VALID_MARKS, createHash('sha256').update(ASL_VALIDATOR_VERSION).update('\0').update(text).digest('hex').slice(0, 32));
  if (existsSync(mark)) return;
  // The validator fills in defaults (QueryLanguage) on what it is given: it checks a copy, the definition stays as synthesized.
  const { isValid, errorsText } = aslValidator(JSON.parse(text));
  if (!isValid) throw new Error(`the synthesized state machine definition ${logicalId} is not valid ASL: ${errorsText('\n')}`);
  mkdirSync(VALID_MARKS, { recursive: true });
  writeFileSync(mark, '');
}
