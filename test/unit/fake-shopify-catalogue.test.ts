// The fake Shopify's products and customers are generated from the shop's seed and where its history ends: with the
// end kept (npm start's data dir), a restart serves the same catalogue, so the stored copy still describes it.
import { Catalogue, type CatalogueStream } from '../../local/fakes/shopify/catalogue';

const HOUR_MS = 3_600_000;
const startedAt = Date.UTC(2026, 11, 7, 9, 0, 0);

const catalogueAt = (stream: CatalogueStream, clockMs: number, historyEndsAtMs?: number) =>
  new Catalogue({ stream, count: 50, seed: 5, clock: () => clockMs, ...(historyEndsAtMs === undefined ? {} : { historyEndsAtMs }) });

it.each(['products', 'customers'] as const)('serves the same %s after a restart when the history end is kept', (stream) => {
  const first = catalogueAt(stream, startedAt, startedAt);
  const restarted = catalogueAt(stream, startedAt + 5 * HOUR_MS, startedAt);

  expect(restarted.truth()).toEqual(first.truth());
  expect(restarted.node(first.truth()[0]!.id)).toEqual(first.node(first.truth()[0]!.id));
  // Without it, the history ends at the clock: the records' times move with the restart.
  expect(catalogueAt(stream, startedAt + 5 * HOUR_MS).truth()).not.toEqual(first.truth());
});
