// A function's composition is built on first use and kept for the process (a Lambda's cold start). Each function has
// its own module under functions/runtime/, so its bundle holds only the clients and sources that function uses.
import { reloadConfig } from '../config';

/** Forgets every composition built so far (resetRuntime). */
const resets = new Set<() => void>();

export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  resets.add(() => (built = undefined));
  return () => (built ??= build());
}

/** Re-read the environment and rebuild every composition on next use (tests that call a use case in this process). */
export function resetRuntime(): void {
  reloadConfig();
  for (const reset of resets) reset();
}
