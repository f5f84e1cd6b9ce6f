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

/** The spacing that keeps `limit` requests a second within any second, with `marginMs` of slack per second. */
export function spacingFor(limit: number, marginMs: number): number {
  return Math.ceil((1000 + marginMs) / limit);
}
