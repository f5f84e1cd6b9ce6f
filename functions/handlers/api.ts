// The HTTP API (API Gateway, IAM-authorised): trigger an incremental or full sync, resume a failed full resync,
// read the status. Paths kept from the system this replaces, so its dashboard keeps working.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidInputError } from '../core/errors';
import { readStatus } from '../core/status';
import { startRun, type StartedRun } from '../core/use-cases/start-run';
import { config } from '../config';
import { startDeps } from '../runtime/start';
import { statusDeps } from '../runtime/status';
import { API_ROUTES, apiRouteKey, type ApiRouteKey } from './api-routes';
import { json, jsonErrors, parseQuery, route, type RouteHandler } from './http';
import { lambdaHandler } from './lambda-handler';

const STATUS_PATH = '/api/sync/status';

async function triggerOrders(event: APIGatewayProxyEvent) {
  const query = parseQuery(event, { force_full: 'boolean', resume: 'boolean' }, 'POST /api/sync/orders');
  if (query.resume) {
    throw new InvalidInputError('parameter "resume" applies to full resyncs only: use POST /api/sync/orders/full?resume=true');
  }
  return accepted(await startRun(startDeps(), { mode: query.force_full ? 'full' : 'incremental', trigger: 'http', resume: false }), false);
}

async function triggerFull(event: APIGatewayProxyEvent) {
  const query = parseQuery(event, { resume: 'boolean' }, 'POST /api/sync/orders/full');
  return accepted(await startRun(startDeps(), { mode: 'full', trigger: 'http', resume: query.resume }), query.resume);
}

async function status(event: APIGatewayProxyEvent) {
  parseQuery(event, {}, `GET ${STATUS_PATH}`);
  return json(200, await readStatus(statusDeps()));
}

function accepted(run: StartedRun, resume: boolean) {
  const region = config().AWS_REGION;
  const discarded = run.discardsParked
    ? `; the parked full resync ${run.discardsParked.runId} (page ${run.discardsParked.pages}) is discarded`
    : '';
  return json(202, {
    message: `${resume ? 'resume of the failed full resync' : `${run.mode} sync`} started${discarded}`,
    run_id: run.runId,
    mode: run.mode,
    ...(run.discardsParked ? { discarded_run: { run_id: run.discardsParked.runId, pages: run.discardsParked.pages } } : {}),
    execution: {
      name: run.executionName,
      arn: run.executionArn,
      started_at: run.startDate,
      console_url: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${run.executionArn}`,
    },
    status_url: STATUS_PATH,
  });
}

// The router serves API_ROUTES, the list the stack deploys, so no test ties the two: tsc (run by `npm test`) refuses
// this Record if it misses a route of the list or holds one outside it.
const ROUTE_HANDLERS: Record<ApiRouteKey, RouteHandler> = {
  'POST /api/sync/orders': triggerOrders,
  'POST /api/sync/orders/full': triggerFull,
  [`GET ${STATUS_PATH}`]: status,
};

export const api = route(API_ROUTES.map((known) => ({ ...known, handler: ROUTE_HANDLERS[apiRouteKey(known)] })));

export const handler = lambdaHandler(api).use(jsonErrors());
