// The HTTP API (API Gateway, IAM-authorised): trigger an incremental or full sync, resume a failed full resync,
// read the status and the daily sales. Paths kept from the system this replaces, so its dashboard keeps working.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidInputError } from '../core/errors';
import { isStreamName, type StreamName } from '../core/stream';
import { readStatus } from '../core/status';
import { startRun, type StartedRun } from '../core/use-cases/start-run';
import { readDailySales } from '../core/use-cases/read-daily-sales';
import { readDailySalesDeps } from '../runtime/daily-sales';
import { config } from '../config';
import { startDeps } from '../runtime/start';
import { statusDeps } from '../runtime/status';
import { API_ROUTES, apiRouteKey, type ApiRouteKey } from './api-routes';
import { HttpError, json, jsonErrors, parseQuery, parseTextQuery, route, type RouteHandler } from './http';
import { lambdaHandler } from './lambda-handler';

const STATUS_PATH = '/api/sync/status';
const DAILY_SALES_PATH = '/api/analytics/daily-sales';

async function triggerSync(event: APIGatewayProxyEvent) {
  const stream = streamOf(event);
  const query = parseQuery(event, { force_full: 'boolean', resume: 'boolean' }, `POST /api/sync/${stream}`);
  if (query.resume) {
    throw new InvalidInputError(`parameter "resume" applies to full resyncs only: use POST /api/sync/${stream}/full?resume=true`);
  }
  const mode = query.force_full ? 'full' : 'incremental';
  return accepted(await startRun(startDeps(stream), { mode, trigger: 'http', resume: false }), false);
}

async function triggerFull(event: APIGatewayProxyEvent) {
  const stream = streamOf(event);
  const query = parseQuery(event, { resume: 'boolean' }, `POST /api/sync/${stream}/full`);
  return accepted(await startRun(startDeps(stream), { mode: 'full', trigger: 'http', resume: query.resume }), query.resume);
}

async function status(event: APIGatewayProxyEvent) {
  parseQuery(event, {}, `GET ${STATUS_PATH}`);
  const streams = config().STREAMS;
  const sections = await Promise.all(streams.map((stream) => readStatus(statusDeps(stream))));
  return json(200, Object.fromEntries(streams.map((stream, index) => [stream, sections[index]])));
}

async function dailySales(event: APIGatewayProxyEvent) {
  const query = parseTextQuery(event, ['from', 'to'], `GET ${DAILY_SALES_PATH}`);
  return json(200, await readDailySales(readDailySalesDeps(), query));
}

/** The `{stream}` of the path, when this deployment syncs it; else 404 naming the streams it does. */
function streamOf(event: APIGatewayProxyEvent): StreamName {
  const name = event.pathParameters?.stream ?? '';
  const enabled = config().STREAMS;
  if (!isStreamName(name) || !enabled.includes(name)) {
    throw new HttpError(404, 'unknown_stream', `no stream "${name}" here: the streams synced are ${enabled.join(', ')}`, {
      streams: enabled,
    });
  }
  return name;
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
  'POST /api/sync/{stream}': triggerSync,
  'POST /api/sync/{stream}/full': triggerFull,
  [`GET ${STATUS_PATH}`]: status,
  [`GET ${DAILY_SALES_PATH}`]: dailySales,
};

export const api = route(API_ROUTES.map((known) => ({ ...known, handler: ROUTE_HANDLERS[apiRouteKey(known)] })));

export const handler = lambdaHandler(api).use(jsonErrors());
