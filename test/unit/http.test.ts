// The API's HTTP plumbing without AWS: middy's router with our 404/405 split, and the error middleware that shows
// 4xx messages and hides anything else behind a generic 500.
import middy from '@middy/core';
import { InvalidInputError } from '../../functions/core/errors';
import { json, jsonErrors, route } from '../../functions/handlers/http';
import { logger } from '../../functions/logger';
import { apiEvent, callApi } from '../support/api-events';

const handler = middy(
  route([
    { method: 'GET', path: '/things', handler: async () => json(200, { things: [] }) },
    { method: 'POST', path: '/things', handler: async () => json(202, { made: true }) },
    {
      method: 'POST',
      path: '/boom',
      handler: async () => {
        throw new Error('database password is hunter2');
      },
    },
    {
      method: 'POST',
      path: '/refuse',
      handler: async () => {
        throw new InvalidInputError('parameter "x" must be true or false');
      },
    },
  ]),
).use(jsonErrors());

const call = (method: string, path: string) => callApi(handler, apiEvent(method, path));

describe('the API router and its errors', () => {
  it('routes on method and path, with or without one trailing slash', async () => {
    expect(await call('GET', '/things')).toMatchObject({ statusCode: 200, body: { things: [] } });
    expect(await call('POST', '/things/')).toMatchObject({ statusCode: 202, body: { made: true } });
  });

  it('answers an unknown path 404 listing the routes, a known path with another method 405 with Allow', async () => {
    const nowhere = await call('GET', '/nowhere/');
    const wrongMethod = await call('DELETE', '/things/');

    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.body.error).toEqual({
      code: 'not_found',
      message: expect.stringMatching(/^no route GET \/nowhere; routes: GET \/things, POST \/things/),
    });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers).toMatchObject({ allow: 'GET, POST', 'content-type': 'application/json' });
    expect(wrongMethod.body.error).toEqual({ code: 'method_not_allowed', message: '/things accepts GET, POST, not DELETE' });
  });

  it('shows a client error its message and hides a failure behind a generic 500, which it logs', async () => {
    const logged = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const refused = await call('POST', '/refuse');
      const failed = await call('POST', '/boom');

      expect(refused).toMatchObject({
        statusCode: 400,
        body: { error: { code: 'invalid_parameter', message: 'parameter "x" must be true or false' } },
      });
      expect(failed.statusCode).toBe(500);
      expect(failed.body).toEqual({ error: { code: 'internal_error', message: 'internal error; see the API function logs' } });
      expect(logged).toHaveBeenCalledWith('request failed', {
        error: expect.objectContaining({ message: 'database password is hunter2' }),
      });
    } finally {
      logged.mockRestore();
    }
  });
});
