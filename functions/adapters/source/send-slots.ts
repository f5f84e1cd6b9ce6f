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
 * Slack per second, at least: requests reserved by separate machines reach the source with their own delays, which
 * one client's pacer never sees. 5% of the budget, for no 429 when the streams share it.
 */
export const SHARED_MARGIN_MS_MIN = 50;

/** The spacing that keeps `limit` requests a second within any second, with `marginMs` (at least 50) of slack per second. */
export function spacingFor(limit: number, marginMs: number): number {
  return Math.ceil((1000 + Math.max(SHARED_MARGIN_MS_MIN, marginMs)) / limit);
}
