// API Gateway proxy events as the REST API sends them to the api function, and a Lambda context to call it with.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { fakeLambdaContext } from '../../local/aws/lambda-context';

export function apiEvent(
  method: string,
  path: string,
  query: Record<string, string> = {},
  body: string | null = null,
): APIGatewayProxyEvent {
  const entries = Object.entries(query);
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: entries.length ? query : null,
    multiValueQueryStringParameters: entries.length ? Object.fromEntries(entries.map(([key, value]) => [key, [value]])) : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Call the api function and parse its JSON answer. */
export async function callApi(
  handler: ApiHandler,
  event: APIGatewayProxyEvent,
): Promise<{ statusCode: number; body: any; headers: Record<string, unknown> }> {
  const result = await handler(event, fakeLambdaContext('api'));
  return { statusCode: result.statusCode, body: JSON.parse(result.body), headers: (result.headers ?? {}) as Record<string, unknown> };
}
