// What the template's Refs and Fn::GetAtt Arns stand for in the local stack: the tables under their local names,
// the state machine, the functions and roles under their logical ids, all in the local account and region.
import { copyTableName, type TableNames } from '../../../functions/adapters/dynamodb/tables';
import { STREAM_NAMES } from '../../../functions/core/stream';
import { copyTableOutput } from '../../../infra/stream-ids';
import { LOCAL_PLACEHOLDERS, type CloudFormationTemplate } from '../../../infra/synth';

export const LOCAL_ACCOUNT = LOCAL_PLACEHOLDERS.account;
export const LOCAL_REGION = LOCAL_PLACEHOLDERS.region;
const PARTITION = LOCAL_PLACEHOLDERS.partition;

/** The local names of the stack's tables (the template leaves them to CloudFormation). */
export type LocalTableNames = TableNames;

/** The physical id (Ref) and ARN of one resource, as the local stack names it. */
interface Physical {
  ref: string;
  arn: string;
}

export interface TemplateResources {
  /** A template value (string, Ref, Fn::GetAtt Arn, Fn::Join, Fn::Sub) resolved to what it is locally. */
  resolve(value: unknown): string;
  /** The ARN of the resource `logicalId`. */
  arnOf(logicalId: string): string;
}

/** The table names come from the stack's outputs (OrdersTableName, ProductsTableName, ...), the rest from the resources. */
export function templateResources(template: CloudFormationTemplate, tables: LocalTableNames): TemplateResources {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template: untyped JSON
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, any> }>;
  const tableByLogicalId = new Map<string, string>();
  const outputs: Array<[output: string, name: string, required: boolean]> = [
    // A stream the template does not enable has no copy table in it, nor its output.
    ...STREAM_NAMES.map((stream): [string, string, boolean] => [copyTableOutput(stream), copyTableName(tables, stream), false]),
    ['SyncStateTableName', tables.syncStateTable, true],
    ['QuarantineTableName', tables.quarantineTable, true],
    ...(tables.dailySalesTable === undefined ? [] : [['DailySalesTableName', tables.dailySalesTable, false] as [string, string, boolean]]),
  ];
  for (const [output, name, required] of outputs) {
    const ref = template.Outputs?.[output]?.Value?.Ref;
    if (typeof ref === 'string') tableByLogicalId.set(ref, name);
    else if (required) throw new Error(`the template has no ${output} output naming its table`);
  }
  if (!STREAM_NAMES.some((stream) => template.Outputs?.[copyTableOutput(stream)])) {
    throw new Error(`the template has no copy table output (${STREAM_NAMES.map(copyTableOutput).join(', ')})`);
  }
  const arn = (service: string, resource: string, region = LOCAL_REGION) =>
    `arn:${PARTITION}:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;

  const physical = (logicalId: string): Physical => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = tableByLogicalId.get(logicalId) ?? logicalId;
        return { ref: name, arn: arn('dynamodb', `table/${name}`) };
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = resource.Properties?.StateMachineName ?? logicalId;
        const machineArn = arn('states', `stateMachine:${name}`);
        return { ref: machineArn, arn: machineArn };
      }
      case 'AWS::Lambda::Function':
        return { ref: logicalId, arn: arn('lambda', `function:${logicalId}`) };
      case 'AWS::IAM::Role':
        return { ref: logicalId, arn: `arn:${PARTITION}:iam::${LOCAL_ACCOUNT}:role/${logicalId}` };
      case 'AWS::SecretsManager::Secret': {
        // A secret's Ref is its ARN, which ends in six random characters.
        const secretArn = arn('secretsmanager', `secret:${logicalId}-local`);
        return { ref: secretArn, arn: secretArn };
      }
      case 'AWS::SNS::Topic': {
        // As the local definition names it (infra/synth.ts resolvedDefinition): by logical id.
        const topicArn = arn('sns', logicalId);
        return { ref: topicArn, arn: topicArn };
      }
      default:
        return { ref: logicalId, arn: arn(resource.Type.split('::')[1]!.toLowerCase(), logicalId) };
    }
  };

  const pseudo: Record<string, string> = {
    'AWS::Partition': PARTITION,
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'OrderSync',
  };

  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a template value: untyped JSON
      const node = value as Record<string, any>;
      if ('Ref' in node) return pseudo[node.Ref as string] ?? physical(String(node.Ref)).ref;
      if ('Fn::GetAtt' in node) {
        const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
        if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attribute} locally`);
        return physical(logicalId).arn;
      }
      if ('Fn::Join' in node) {
        const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
        return parts.map(resolve).join(separator);
      }
      if ('Fn::Sub' in node && typeof node['Fn::Sub'] === 'string') {
        return (node['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          const [logicalId, attribute] = name.split('.');
          if (attribute) return resolve({ 'Fn::GetAtt': [logicalId, attribute] });
          return resolve({ Ref: logicalId });
        });
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
  };

  return { resolve, arnOf: (logicalId) => physical(logicalId).arn };
}
