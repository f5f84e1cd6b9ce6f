// The pacer of the HTTP source (functions/adapters/source/rate-limit-pacer.ts) on a clock that moves only when it
// sleeps or a request takes its time: what it learns from the headers, and that no 1000 ms holds more than the limit.
// The same pacing against the strict fake (both window kinds) is in test/integration/http-orders-source.test.ts.
import { RateLimitPacer, type BudgetAnswer } from '../../functions/adapters/source/rate-limit-pacer';
import { RateWindow, type RateWindowKind } from '../../local/fakes/orders-api/faults';

function pacerOnSimulatedClock(marginMs = 0) {
  const clock = { now: 0 };
  const waits: number[] = [];
  const pacer = new RateLimitPacer({
    clock: () => clock.now,
    sleep: async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
    marginMs,
  });
  /** Sends one request that takes `latencyMs` and gets `answer`; returns its send time. */
  const send = async (latencyMs: number, answer: Partial<BudgetAnswer>): Promise<number> => {
    await pacer.take();
    const sentAt = clock.now;
    clock.now += latencyMs;
    pacer.observe(sentAt, { refused: false, ...answer });
    return sentAt;
  };
  /** A source that counts every request on arrival in the fake's window; returns what it had left for each (negative: 429). */
  const sendTo = async (kind: RateWindowKind, limit: number, requests: number, announce: { limit: boolean }) => {
    const window = new RateWindow();
    const left: number[] = [];
    for (let i = 0; i < requests; i++) {
      await pacer.take();
      const sentAt = clock.now;
      left.push(window.take(clock.now, limit, kind));
      clock.now += 300;
      pacer.observe(sentAt, { limit: announce.limit ? limit : undefined, remaining: Math.max(0, left.at(-1)!), refused: left.at(-1)! < 0 });
    }
    return left;
  };
  return { clock, waits, send, sendTo, pacer };
}

/** The most send times any 1000 ms holds. */
function busiestSecond(sends: number[]): number {
  return Math.max(...sends.map((start) => sends.filter((time) => time >= start && time < start + 1000).length));
}

describe('RateLimitPacer', () => {
  it('tells the shared send slots its spacing: unknown before any answer, none without a budget, the budget once announced', async () => {
    const announced = pacerOnSimulatedClock(10);
    const silent = pacerOnSimulatedClock(10);
    expect(announced.pacer.spacingMs()).toBeNull();

    await silent.send(10, {});
    await announced.send(10, { limit: 4, remaining: 3 });

    expect(silent.pacer.spacingMs()).toBe(0);
    // 4 a second with the shared slots' 200 ms of slack (more than the pacer's own 10): one every 300 ms.
    expect(announced.pacer.spacingMs()).toBe(300);
    // A source that stops announcing its budget has lifted it.
    await announced.send(10, {});
    expect(announced.pacer.spacingMs()).toBe(0);
  });

  it('never waits while the source announces no budget', async () => {
    const { waits, send } = pacerOnSimulatedClock();

    for (let i = 0; i < 20; i++) await send(10, {});

    expect(waits).toEqual([]);
  });

  it('keeps every 1000 ms to the announced limit, sending the next request as soon as the oldest leaves the window', async () => {
    const { waits, send } = pacerOnSimulatedClock();
    const sends: number[] = [];

    for (let i = 0; i < 9; i++) sends.push(await send(300, { limit: 3, remaining: 2 }));

    expect(busiestSecond(sends)).toBe(3);
    expect(sends).toEqual([0, 300, 600, 1000, 1300, 1600, 2000, 2300, 2600]);
    expect(waits).toEqual([100, 100]);
  });

  it.each(['fixed', 'sliding'] as const)('is never refused by a %s window, with or without X-RateLimit-Limit', async (kind) => {
    for (const announce of [{ limit: true }, { limit: false }]) {
      const { clock, sendTo } = pacerOnSimulatedClock();
      clock.now = 1_700_000_000_250;
      const startedAt = clock.now;

      const left = await sendTo(kind, 2, 40, announce);

      expect(left.filter((n) => n < 0)).toEqual([]);
      // 40 requests at 2/s: the last goes out after 19.5 s (waiting a second after each used-up answer took 1.3x).
      expect(clock.now - 300 - startedAt).toBeLessThanOrEqual(19_500);
    }
  });

  it('books the requests the source counted but it did not send, at the time of the answer that told it', async () => {
    const { clock, send } = pacerOnSimulatedClock(10);
    clock.now = 5_000;

    await send(0, { limit: 4, remaining: 0 }); // three others were counted before ours
    const next = await send(0, { limit: 4, remaining: 3 });

    expect(next).toBe(5_000 + 1000 + 10);
  });

  it('widens its margin after a 429 it did not see coming, and narrows it again one ms per answer', async () => {
    const { clock, send } = pacerOnSimulatedClock(10);

    await send(0, { limit: 1, remaining: 0 });
    await send(0, { limit: 1, remaining: 0, refused: true }); // the source counted it a little early
    const afterRefusal = await send(0, { limit: 1, remaining: 0 });
    const later = await send(0, { limit: 1, remaining: 0 });

    expect(afterRefusal - 1010).toBe(1000 + 20);
    expect(later - afterRefusal).toBe(1000 + 19);
    expect(clock.now).toBe(later);
  });
});
