// The one way an end-to-end test file starts the whole local stack: the fake shop (orders API or Shopify), the stack
// over it (dynalite behind IAM, the interpreter, each function in its own environment), and on request the Step
// Functions endpoint the API function and the schedule start executions through. Stopped whole by `stack.stop()`.
import { startSfnEndpoint, type SfnEndpoint } from '../../local/aws/sfn-endpoint';
import { resetRuntime } from '../../functions/runtime/once';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/aws/stack';
import { startFakeOrdersApi, type FakeOrdersApi, type FakeOrdersApiOptions } from '../../local/fakes/orders-api';
import { startFakeShopify, type FakeShopify, type FakeShopifyOptions } from '../../local/fakes/shopify';

/**
 * The fake shop's history unless a test sets its own: a full resync recomputes the daily sales of every day the
 * history has orders on, a step per 31 days, so two months keep that phase to two steps instead of two years' 24.
 */
const E2E_HISTORY_DAYS = 60;

export interface E2eStackOptions extends Omit<LocalStackOptions, 'fake' | 'fakeShopify' | 'source'> {
  /** The fake orders API's shop (the default source). */
  fake?: FakeOrdersApiOptions;
  /** Run the fake Shopify (GraphQL Admin API) over this shop instead of the fake orders API. */
  shopify?: FakeShopifyOptions & { apiVersion?: string };
  /** Start the local Step Functions endpoint, for the API function and the schedule to start executions (triggers). */
  withTriggers?: boolean;
  /**
   * The test calls a handler module or a use case in this process, as the operator: this process's environment gets
   * the stack's operatorEnvironment, and the compositions are rebuilt from it. The stack itself writes no environment.
   */
  inProcessHandlers?: boolean;
}

export interface E2eStack extends LocalStack {
  /** The fake shop's controls and ground truth (beneath the fake Shopify when it runs). */
  fake: FakeOrdersApi;
  /** Present when the stack runs the fake Shopify. */
  fakeShopify?: FakeShopify;
  /** Calls `listener` with each warning a function logs, until the returned function is called. */
  onFunctionWarning(listener: (line: Record<string, unknown>) => void): () => void;
  /** The Step Functions API on loopback, which the API handler's and the schedule's SFN client talk to. */
  sfn?: SfnEndpoint;
}

/**
 * The fake shop and the local stack over it, with no wait between state machine retries (`retryIntervalMs: 0`) and
 * the functions' warnings kept for `onFunctionWarning` (nothing printed) unless the options say otherwise.
 */
export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const { withTriggers, inProcessHandlers, fake: fakeOptions, shopify: shopifyOptions, ...stackOptions } = options;
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne();
  };
  try {
    let fake: FakeOrdersApi;
    let fakeShopify: FakeShopify | undefined;
    let source: NonNullable<LocalStackOptions['source']>;
    if (shopifyOptions) {
      const { apiVersion, ...shopOptions } = shopifyOptions;
      const started = await startFakeShopify({ ...shopOptions, shop: { historyDays: E2E_HISTORY_DAYS, ...shopOptions.shop } });
      stoppers.push(() => started.stop());
      fakeShopify = started;
      fake = started.shop;
      source = { url: started.url, token: started.token, kind: 'shopify', apiVersion: apiVersion ?? '2025-10' };
    } else {
      const started = await startFakeOrdersApi({ historyDays: E2E_HISTORY_DAYS, ...fakeOptions });
      stoppers.push(() => started.stop());
      fake = started;
      source = { url: started.url, token: started.token };
    }

    // The endpoint listens before the stack starts, so its URL is in the functions' environment (SFN_ENDPOINT).
    const late: { stack?: LocalStack } = {};
    const sfn = withTriggers ? await startSfnEndpoint({ machine: () => late.stack!.machine, iam: () => late.stack!.iam }) : undefined;
    if (sfn) stoppers.push(() => sfn.stop());

    const warningListeners = new Set<(line: Record<string, unknown>) => void>();
    const started = await startLocalStack({
      retryIntervalMs: 0,
      // The functions' warnings, for onFunctionWarning; nothing is printed.
      functionLogLevel: 'WARN',
      functionLogs: (line) => {
        for (const text of line.text.split('\n')) {
          if (!text.startsWith('{')) continue;
          const parsed = JSON.parse(text) as Record<string, unknown>;
          if (parsed.level === 'WARN') for (const listener of warningListeners) listener(parsed);
        }
      },
      ...stackOptions,
      source,
      // The orders stream alone unless the test says otherwise: a tick then starts the run the test follows, and no
      // other stream's runs share the machine with it. The streams' own tests set STREAMS.
      env: { STREAMS: 'orders', ...(sfn ? { SFN_ENDPOINT: sfn.url } : {}), ...stackOptions.env },
    });
    late.stack = started;
    stoppers.push(() => started.stop());
    if (inProcessHandlers) {
      Object.assign(process.env, started.operatorEnvironment);
      delete process.env.ORDERS_API_TOKEN_SECRET_ARN;
      resetRuntime();
    }

    return {
      ...started,
      fake,
      ...(fakeShopify ? { fakeShopify } : {}),
      onFunctionWarning(listener) {
        warningListeners.add(listener);
        return () => warningListeners.delete(listener);
      },
      ...(sfn ? { sfn } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
