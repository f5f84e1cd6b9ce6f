// What the fake was asked and what it answered: counts per route and outcome, and the last requests, for tests to read.

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  /** Whether the bearer token was right (the token itself is never recorded). */
  authorized: boolean;
  outcome: number | 'dropped' | 'hung';
}

const RECORDED_REQUESTS = 1000;

export class RequestLog {
  /** Requests received, answered or not. */
  received = 0;
  /** Answers per route and status ("200", "429", "dropped", "hung"). */
  readonly byRoute: Record<string, Record<string, number>> = {};
  /** 429 answers, whatever the route. */
  throttled = 0;
  private readonly recorded: RecordedRequest[] = [];

  record(path: string, query: URLSearchParams, authorized: boolean, outcome: RecordedRequest['outcome']): void {
    const route = (this.byRoute[path] ??= {});
    route[String(outcome)] = (route[String(outcome)] ?? 0) + 1;
    if (outcome === 429) this.throttled++;
    this.recorded.push({ path, query: Object.fromEntries(query), authorized, outcome });
    if (this.recorded.length > RECORDED_REQUESTS) this.recorded.shift();
  }

  /** The last 1000 requests, oldest first. */
  last(): readonly RecordedRequest[] {
    return [...this.recorded];
  }
}
