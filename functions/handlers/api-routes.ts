// The HTTP API's routes as data (docs/deployment.md "Call the API": the paths of the system this replaces, `{stream}` being
// `orders`, `products` or `customers`): the stack makes an
// API Gateway method of each, the api handler routes each to its function. No imports, so the CDK app reads it
// without loading handler code.
export const API_ROUTES = [
  { method: 'POST', path: '/api/sync/{stream}' },
  { method: 'POST', path: '/api/sync/{stream}/full' },
  { method: 'GET', path: '/api/sync/status' },
  { method: 'GET', path: '/api/analytics/daily-sales' },
] as const;

export type ApiRoute = (typeof API_ROUTES)[number];

/** `"POST /api/sync/{stream}"`, one per route of the list (not every method with every path). */
export type ApiRouteKey = ApiRoute extends infer Route
  ? Route extends { method: infer Method extends string; path: infer Path extends string }
    ? `${Method} ${Path}`
    : never
  : never;

export function apiRouteKey(route: ApiRoute): ApiRouteKey {
  return `${route.method} ${route.path}` as ApiRouteKey;
}

/** Whether a request path is the route's path, `{name}` standing for one path segment. */
export function matchesRoutePath(routePath: string, path: string): boolean {
  const pattern = routePath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}
