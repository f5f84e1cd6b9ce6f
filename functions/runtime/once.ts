// A function's composition is built on first use and kept for the process (a Lambda's cold start). Each function has
// its own module under functions/runtime/, so its bundle holds only the clients and sources that function uses.
import { config, reloadConfig } from '../config';
import { InvalidInputError } from '../core/errors';
import { isStreamName, type StreamName } from '../core/stream';

/** Forgets every composition built so far (resetRuntime). */
const resets = new Set<() => void>();

export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  resets.add(() => (built = undefined));
  return () => (built ??= build());
}

/** A composition per stream, each built on its first use. */
export function oncePerStream<T>(build: (stream: StreamName) => T): (stream: StreamName) => T {
  const built = new Map<StreamName, T>();
  resets.add(() => built.clear());
  return (stream) => {
    if (!built.has(stream)) built.set(stream, build(stream));
    return built.get(stream)!;
  };
}

/** The stream an event names, when this deployment syncs it (STREAMS); else InvalidInputError naming the enabled ones. */
export function enabledStream(name: string | undefined): StreamName {
  const enabled = config().STREAMS;
  const stream = name ?? 'orders';
  if (!isStreamName(stream) || !enabled.includes(stream)) {
    throw new InvalidInputError(`stream "${stream}" is not synced here: the enabled streams are ${enabled.join(', ')} (STREAMS)`);
  }
  return stream;
}

/** Re-read the environment and rebuild every composition on next use (tests that call a use case in this process). */
export function resetRuntime(): void {
  reloadConfig();
  for (const reset of resets) reset();
}
