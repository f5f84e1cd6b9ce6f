// The state machine definition as deployed: taken from the synthesized CloudFormation template, its tokens
// (function ARNs, partition, region, account) resolved to local placeholders, and validated with asl-validator.
import aslValidator from 'asl-validator';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** The one AWS::StepFunctions::StateMachine of the template, with its logical id and explicit name. */
export function stateMachineResource(template: Template): { logicalId: string; name: string; definitionString: unknown } {
  const found = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  if (found.length !== 1) throw new Error(`expected one state machine in the template, found ${found.length}`);
  const [logicalId, resource] = found[0]!;
  const properties = resource.Properties ?? {};
  const name = typeof properties.StateMachineName === 'string' ? properties.StateMachineName : logicalId;
  return { logicalId, name, definitionString: properties.DefinitionString };
}

export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

/** Resolve the intrinsic functions CDK puts in a definition string (Fn::Join, Ref, Fn::GetAtt, Fn::Sub). */
export function resolveTokens(value: unknown, template: Template, stateMachineName: string): unknown {
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, args] = entries[0]!;
      if (fn === 'Fn::Join') {
        const [separator, parts] = args as [string, unknown[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      if (fn === 'Ref') return refValue(String(args), template, stateMachineName);
      if (fn === 'Fn::GetAtt') {
        const [logicalId, attribute] = args as [string, string];
        return attributeValue(logicalId, attribute, template, stateMachineName);
      }
      if (fn === 'Fn::Sub') {
        return String(Array.isArray(args) ? args[0] : args).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const [id, attribute] = name.split('.');
          return String(attribute ? attributeValue(id!, attribute, template, stateMachineName) : refValue(id!, template, stateMachineName));
        });
      }
    }
    return Object.fromEntries(entries.map(([key, child]) => [key, resolve(child)]));
  };
  return resolve(value);
}

function refValue(name: string, template: Template, stateMachineName: string): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default: {
      const resource = template.Resources[name];
      if (resource?.Type === 'AWS::StepFunctions::StateMachine') return localStateMachineArn(stateMachineName);
      return name;
    }
  }
}

function attributeValue(logicalId: string, attribute: string, template: Template, stateMachineName: string): string {
  const resource = template.Resources[logicalId];
  if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
  }
  if (resource?.Type === 'AWS::StepFunctions::StateMachine') return localStateMachineArn(stateMachineName);
  return `${logicalId}.${attribute}`;
}

/** The definition, ready to run locally; throws with asl-validator's findings when it is not valid ASL. */
export function definitionFromTemplate(template: Template): { definition: StateMachineDefinition; stateMachineArn: string; name: string } {
  const machine = stateMachineResource(template);
  const text = resolveTokens(machine.definitionString, template, machine.name);
  if (typeof text !== 'string') throw new Error('the state machine DefinitionString did not resolve to a string');
  const definition = JSON.parse(text) as StateMachineDefinition;
  const { isValid, errorsText } = aslValidator(definition as never);
  if (!isValid) throw new Error(`the synthesized state machine definition is not valid ASL: ${errorsText('\n')}`);
  return { definition, stateMachineArn: localStateMachineArn(machine.name), name: machine.name };
}
