// The cdk-nag AwsSolutions findings this stack accepts, each with its reason. Anything not listed here fails
// the cdk-nag test (test/infra/operations.test.ts): a new finding is either fixed or argued for here.
import { Validations, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const LAMBDA_BASIC_EXECUTION = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const API_GATEWAY_LOGS = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

/** Stack-wide: the same reason holds wherever the finding appears. */
const STACK_ACKNOWLEDGEMENTS: { id: string; reason: string }[] = [
  {
    id: `AwsSolutions-IAM4[${LAMBDA_BASIC_EXECUTION}]`,
    reason: 'AWSLambdaBasicExecutionRole grants only CreateLogStream/PutLogEvents, the minimum a function needs to log.',
  },
  {
    id: `AwsSolutions-IAM4[${API_GATEWAY_LOGS}]`,
    reason: 'API Gateway access and execution logs need the account-level CloudWatch role; AWS documents this managed policy for it.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only for X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* and the Step Functions log-delivery actions: ' +
      'these APIs support no resource-level permissions.',
  },
  {
    id: 'AwsSolutions-L1',
    reason:
      'nodejs22.x is the runtime the project targets and tests (middy 6, Powertools 2); moving to a newer one is a tested upgrade, not a default.',
  },
  {
    id: 'AwsSolutions-SMG4',
    reason:
      "The secret holds the shop's API token, issued by the shop's admin: it cannot be rotated by a Lambda. " +
      'docs/operations.md "Rotate the source token" says how (put-secret-value); the functions read it at run time.',
  },
  {
    id: 'AwsSolutions-APIG2',
    reason:
      'The api handler validates every parameter (zod) and answers 400 naming the parameter and what it accepts; API Gateway validation would only say less.',
  },
  {
    id: 'AwsSolutions-COG4',
    reason:
      'Every method uses AWS IAM (SigV4) authorisation: the callers are AWS principals (the dashboard backend, operators), not user-pool users.',
  },
  {
    id: 'AwsSolutions-APIG3',
    reason:
      'IAM authorisation rejects unsigned requests before they reach anything billable, and the stage throttles at 10 rps: no WAF needed for a trigger API.',
  },
];

/** `<fn.Arn>:*`: the versions and aliases of that very function, as CDK grants invoke on them. */
function qualifiedFunctionArnFindings(stack: Stack): string[] {
  return stack.node
    .findAll()
    .filter((construct): construct is lambda.CfnFunction => construct instanceof lambda.CfnFunction)
    .map((fn) => `AwsSolutions-IAM5[Resource::<${stack.resolve(stack.getLogicalId(fn))}.Arn>:*]`);
}

/** Acknowledge the accepted findings; call last in the stack, once every function exists. */
export function acknowledgeNagFindings(stack: Stack, stateMachineName: string): void {
  const validations = Validations.of(stack);
  for (const acknowledgement of STACK_ACKNOWLEDGEMENTS) validations.acknowledge(acknowledgement);
  for (const id of qualifiedFunctionArnFindings(stack)) {
    validations.acknowledge({ id, reason: 'Invoke on the qualified ARNs (versions, aliases) of this one function only.' });
  }
  validations.acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}:*]`,
    reason: "DescribeExecution on this state machine's executions only: their names are not known in advance.",
  });
}
