// Waiting for a send slot (functions/adapters/source/send-slots.ts) on a clock that moves when the code sleeps or the
// host is busy: a request woken late gives its slot up and queues again, rather than crowd the next slot's request.
import { sendAtSlot, spacingFor, type SendSlots } from '../../functions/adapters/source/send-slots';

/** Slots spaced as given, one queue; `busyMs` is how late each wake-up comes (the host storing a page meanwhile). */
function queue(busyMs: number[]) {
  const clock = { now: 0 };
  const reserved: number[] = [];
  let next = 0;
  const slots: SendSlots = {
    async reserve(nowMs, spacingMs) {
      const slot = Math.max(nowMs, next);
      next = slot + (spacingMs ?? 0);
      reserved.push(slot);
      return slot;
    },
  };
  const timing = {
    clock: () => clock.now,
    sleep: async (ms: number) => {
      clock.now += ms + (busyMs.shift() ?? 0);
    },
  };
  return { clock, reserved, slots, timing };
}

describe('sendAtSlot', () => {
  it('goes at its slot when woken on time', async () => {
    const { clock, reserved, slots, timing } = queue([0]);
    await slots.reserve(0, 550);

    await sendAtSlot(slots, timing, () => 550);

    expect(reserved).toEqual([0, 550]);
    expect(clock.now).toBe(550);
  });

  it('woken late past the slack, queues again at the end and goes at that slot', async () => {
    const { clock, reserved, slots, timing } = queue([300, 0]);
    await slots.reserve(0, 550);

    await sendAtSlot(slots, timing, () => 550);

    expect(reserved).toEqual([0, 550, 1100]);
    expect(clock.now).toBe(1100);
  });

  it('goes anyway after three late wake-ups in a row, and never waits without a budget', async () => {
    const late = queue([300, 300, 300, 300]);
    await late.slots.reserve(0, 550);
    await sendAtSlot(late.slots, late.timing, () => 550);
    expect(late.reserved).toHaveLength(5);

    const unpaced = queue([]);
    await sendAtSlot(unpaced.slots, unpaced.timing, () => 0);
    expect(unpaced.clock.now).toBe(0);
  });

  it('spaces a budget with 200 ms of slack a second at least', () => {
    expect(spacingFor(2, 10)).toBe(600);
    expect(spacingFor(40, 10)).toBe(30);
    expect(spacingFor(2, 400)).toBe(700);
  });
});
