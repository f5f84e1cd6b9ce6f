// A failed run's notification, locally: the synthesized template's failure rule (its pattern and InputTransformer)
// applied to the event Step Functions would send, so the text is the very one the SNS topic receives in AWS.
import { LOCAL_PLACEHOLDERS, resolveIntrinsic, type CloudFormationTemplate, type DeployPlaceholders } from '../../infra/synth';
import type { ExecutionRecord } from './state-machine/local-state-machine';

const SOURCE = 'aws.states';
const DETAIL_TYPE = 'Step Functions Execution Status Change';

/** The rule on the state machine's status changes, as deployed: which statuses it sends and how it words them. */
export interface FailureRule {
  statuses: string[];
  /** InputTransformer: placeholder name → JSON path into the event. */
  inputPaths: Record<string, string>;
  /** InputTransformer: the message with `<placeholder>`s, intrinsics resolved. */
  inputTemplate: string;
}

/** The "Step Functions Execution Status Change" event EventBridge receives (the fields the console shows too). */
export interface ExecutionStatusChange {
  version: '0';
  source: typeof SOURCE;
  'detail-type': typeof DETAIL_TYPE;
  account: string;
  region: string;
  time: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
}

/** Finds the template's rule on this state machine's status changes that sends text through an InputTransformer. */
export function failureRuleOf(template: CloudFormationTemplate, placeholders: DeployPlaceholders = LOCAL_PLACEHOLDERS): FailureRule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template resources: untyped JSON
  for (const resource of Object.values<Record<string, any>>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const pattern = resource.Properties?.EventPattern;
    if (!pattern?.source?.includes(SOURCE) || !pattern['detail-type']?.includes(DETAIL_TYPE)) continue;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- template resources: untyped JSON
    const transformer = (resource.Properties.Targets ?? []).find((target: any) => target.InputTransformer)?.InputTransformer;
    if (!transformer) continue;
    return {
      statuses: [...(pattern.detail?.status ?? [])],
      inputPaths: { ...transformer.InputPathsMap },
      inputTemplate: resolveIntrinsic(transformer.InputTemplate, placeholders),
    };
  }
  throw new Error(`the template has no ${DETAIL_TYPE} rule with an InputTransformer target`);
}

/** The event Step Functions sends when this execution ends. */
export function statusChangeOf(record: ExecutionRecord, placeholders: DeployPlaceholders = LOCAL_PLACEHOLDERS): ExecutionStatusChange {
  return {
    version: '0',
    source: SOURCE,
    'detail-type': DETAIL_TYPE,
    account: placeholders.account,
    region: placeholders.region,
    time: (record.stopDate ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.getTime(),
      stopDate: record.stopDate?.getTime() ?? null,
      // Step Functions sends input and output as JSON strings.
      input: JSON.stringify(record.input),
      output: record.output === undefined ? null : JSON.stringify(record.output),
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}

/**
 * EventBridge's InputTransformer for a text template: each `<name>` becomes the value at its path, a string as it
 * is, anything else as JSON, a missing or null value as nothing. Only dot paths (`$.detail.name`), which is all
 * the rule uses.
 */
export function transformInput(rule: Pick<FailureRule, 'inputPaths' | 'inputTemplate'>, event: unknown): string {
  const values = new Map(Object.entries(rule.inputPaths).map(([name, path]) => [name, valueAt(event, path)]));
  return rule.inputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (placeholder, name: string) => {
    if (!values.has(name)) return placeholder;
    const value = values.get(name);
    return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** The notification the topic would get for this ended execution, or undefined when the rule does not match it. */
export function notificationFor(
  rule: FailureRule,
  record: ExecutionRecord,
  placeholders: DeployPlaceholders = LOCAL_PLACEHOLDERS,
): string | undefined {
  if (!rule.statuses.includes(record.status)) return undefined;
  // Express executions send no status-change events to EventBridge (their alarm is on the machine's metrics).
  if (record.type === 'EXPRESS') return undefined;
  return transformInput(rule, statusChangeOf(record, placeholders));
}

function valueAt(event: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path))
    throw new Error(`InputPathsMap path "${path}": only dot paths like $.detail.name are supported locally`);
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      event,
    );
}
