// The streams this stack syncs: CDK context `streams`, comma-separated stream names, all three by default. Read
// here until the run settings carry STREAMS; then the stack takes settings.streams instead.
import { STREAM_NAMES, isStreamName, type StreamName } from '../functions/core/stream';
import { ContextError } from './settings';

export function readEnabledStreams(context: (key: string) => unknown): StreamName[] {
  const raw = context('streams');
  if (raw === undefined || raw === null || raw === '') return [...STREAM_NAMES];
  const names = typeof raw === 'string' ? raw.split(',').map((name) => name.trim()) : [];
  const unknown = names.filter((name) => !isStreamName(name));
  if (names.length === 0 || unknown.length > 0 || names.includes('')) {
    throw new ContextError(`context streams must be a comma-separated list of ${STREAM_NAMES.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  // In the registry's order, each once.
  return STREAM_NAMES.filter((name) => names.includes(name));
}
