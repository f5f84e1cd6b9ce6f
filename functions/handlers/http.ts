// HTTP plumbing for the API handler: middy's router with our 404/405, query validation that names the parameter,
// and one error middleware that shows client errors (4xx) and hides the rest behind a generic 500.
import type { MiddlewareObj } from '@middy/core';
import httpRouterHandler, { type Method } from '@middy/http-router';
import { matchesRoutePath } from './api-routes';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { InvalidInputError, NothingToResumeError, OrderSyncError, RunInProgressError } from '../core/errors';
import { logger } from '../logger';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export type RouteHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface Route {
  method: Method;
  path: string;
  handler: RouteHandler;
}

/** middy's router, whose miss we split: an unknown path is 404, a known path with another method 405 with Allow. */
export function route(routes: readonly Route[]): (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult> {
  const routeList = routes.map((known) => `${known.method} ${known.path}`).join(', ');
  /** The methods a path accepts: a literal path's own routes first (`/api/sync/status` is not a `{stream}`), as API Gateway picks. */
  const allowedOn = (path: string): Method[] => {
    const literal = routes.filter((known) => known.path === path);
    return (literal.length > 0 ? literal : routes.filter((known) => matchesRoutePath(known.path, path))).map((known) => known.method);
  };
  const notAllowed = (method: string, path: string): HttpError => {
    const allow = allowedOn(path).join(', ');
    return new HttpError(405, 'method_not_allowed', `${path} accepts ${allow}, not ${method}`, {}, { allow });
  };
  const router = httpRouterHandler({
    routes: [...routes],
    notFoundResponse: ({ method, path }) => {
      // The router matches a path with or without one trailing slash; so does this.
      const bare = bareOf(path);
      if (allowedOn(bare).length === 0) throw new HttpError(404, 'not_found', `no route ${method} ${bare}; routes: ${routeList}`);
      throw notAllowed(method, bare);
    },
  });
  return async (event, context) => {
    // The router would take POST /api/sync/status for a `{stream}`; a literal path with other methods is a 405.
    const bare = bareOf(event.path ?? '');
    const literal = routes.filter((known) => known.path === bare);
    if (literal.length > 0 && !literal.some((known) => known.method === event.httpMethod)) throw notAllowed(event.httpMethod, bare);
    return router(event, context);
  };
}

function bareOf(path: string): string {
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

/** A boolean query flag: only `true` or `false` (absent = false). */
export type QuerySpec = Record<string, 'boolean'>;

export function parseQuery<S extends QuerySpec>(event: APIGatewayProxyEvent, spec: S, route: string): { [K in keyof S]: boolean } {
  const query = { ...(event.queryStringParameters ?? {}) };
  const multi = event.multiValueQueryStringParameters ?? {};
  const accepted = Object.keys(spec);
  const acceptedText = accepted.length ? accepted.map((name) => `${name}=true|false`).join(', ') : 'no parameters';
  const parsed: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!(name in spec)) {
      throw new InvalidInputError(`unknown parameter "${name}": ${route} accepts ${acceptedText}`);
    }
    if ((multi[name]?.length ?? 1) > 1) throw new InvalidInputError(`parameter "${name}" given more than once`);
    if (value !== 'true' && value !== 'false') {
      throw new InvalidInputError(`parameter "${name}" must be true or false, got "${value ?? ''}"`);
    }
    parsed[name] = value === 'true';
  }
  for (const name of accepted) parsed[name] ??= false;
  return parsed as { [K in keyof S]: boolean };
}

/**
 * The query's text parameters, each given at most once, none outside `accepted` (InvalidInputError naming the one
 * that is); what each holds is for the route's own parser to check.
 */
export function parseTextQuery<const N extends string>(
  event: APIGatewayProxyEvent,
  accepted: readonly N[],
  route: string,
): { [K in N]: string | undefined } {
  const query = event.queryStringParameters ?? {};
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const name of Object.keys(query)) {
    if (!(accepted as readonly string[]).includes(name)) {
      throw new InvalidInputError(`unknown parameter "${name}": ${route} accepts ${accepted.join(', ')}`);
    }
    if ((multi[name]?.length ?? 1) > 1) throw new InvalidInputError(`parameter "${name}" given more than once`);
  }
  return Object.fromEntries(accepted.map((name) => [name, query[name] ?? undefined])) as { [K in N]: string | undefined };
}

/** Map errors to JSON answers: `{"error":{"code","message",...}}`. */
export function jsonErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      const answer = errorAnswer(error);
      if (answer.statusCode >= 500) logger.error('request failed', { error: error as Error });
      else logger.info('request refused', { status: answer.statusCode, reason: (error as Error)?.message });
      request.response = answer;
    },
  };
}

function errorAnswer(error: unknown): APIGatewayProxyResult {
  if (error instanceof HttpError) {
    return json(error.statusCode, { error: { code: error.code, message: error.message, ...error.details } }, error.headers);
  }
  if (error instanceof InvalidInputError) return json(400, { error: { code: 'invalid_parameter', message: error.message } });
  if (error instanceof RunInProgressError) {
    return json(409, {
      error: {
        code: 'run_in_progress',
        message: error.message,
        running: { execution: error.running.executionName ?? null, mode: error.running.mode ?? null, run_id: error.running.runId },
      },
    });
  }
  if (error instanceof NothingToResumeError) return json(409, { error: { code: 'nothing_to_resume', message: error.message } });
  if (error instanceof OrderSyncError && error.expose && !error.retryable) {
    return json(422, { error: { code: 'sync_error', message: error.message } });
  }
  return json(500, { error: { code: 'internal_error', message: 'internal error; see the API function logs' } });
}
