// Bounded parallelism: the sync core's and the adapters' one way of running independent calls a few at a time.

/**
 * `fn` over every item, at most `limit` at a time; results in input order. When one call fails, no new call
 * starts and the first error is thrown once the calls in flight have ended: nothing keeps writing behind
 * the caller's back after it has been told the batch failed.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
