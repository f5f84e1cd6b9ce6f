// One token's budget shared by every stream: each request reserves the next send time in slots all the streams'
// steps share (a DynamoDB item in AWS), spaced by the budget, so streams syncing together never crowd the source.

/** The send times every client of one token reserves from. */
export interface SendSlots {
  /**
   * Reserves the next send time: `nowMs` when the last reserved one is `spacingMs` or more behind, else `spacingMs`
   * after it. `spacingMs` null: this client has not learnt the budget yet; the spacing another client stored holds
   * (none stored: a second, until the first answer teaches the budget). Returns epoch ms.
   */
  reserve(nowMs: number, spacingMs: number | null): Promise<number>;
}

/**
 * Slack per second, at least: requests reserved by separate machines reach the source with their own delays (50 ms
 * and more apart on a loaded host), which a source counting a sliding second sees. A sixth of the budget at most
 * (2 requests a second: one every 600 ms), for no 429 when the streams share it.
 */
export const SHARED_MARGIN_MS_MIN = 200;

/** The spacing that keeps `limit` requests a second within any second, with `marginMs` (at least 200) of slack per second. */
export function spacingFor(limit: number, marginMs: number): number {
  return Math.ceil((1000 + Math.max(SHARED_MARGIN_MS_MIN, marginMs)) / limit);
}

/** A request late this many times in a row goes anyway (a host too busy to keep any slot). */
const LATE_RETRIES_MAX = 3;

/**
 * Waits for the request's send time: reserves a slot, sleeps until it, and when woken late (a busy host: the thread
 * was storing a page) reserves again at the end of the queue rather than crowding the request of the next slot.
 */
export async function sendAtSlot(
  slots: SendSlots,
  timing: { clock: () => number; sleep: (ms: number) => Promise<void> },
  spacingMs: () => number | null,
): Promise<void> {
  const { clock, sleep } = timing;
  for (let attempt = 0; ; attempt++) {
    const spacing = spacingMs();
    const slotMs = await slots.reserve(clock(), spacing);
    if (slotMs > clock()) await sleep(slotMs - clock());
    const lateMs = clock() - slotMs;
    // Late by the slack the spacing keeps per second or more: sent now, it would crowd the next slot's request.
    if (!spacing || lateMs < SHARED_MARGIN_MS_MIN || attempt >= LATE_RETRIES_MAX) return;
  }
}
