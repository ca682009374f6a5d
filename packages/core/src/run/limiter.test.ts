import { describe, expect, it } from "vitest";
import { Limiter } from "./limiter.ts";

/** Let other tasks run: a macrotask turn, so every pending microtask chain settles first. */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("Limiter", () => {
  it.each([0, -1, 1.5, Number.NaN])("rejects the limit %s", (limit) => {
    expect(() => new Limiter(limit)).toThrow(RangeError);
  });

  it("never holds more than its limit under 200 concurrent tasks, and reaches it", async () => {
    const limiter = new Limiter(7);
    let active = 0;
    let peak = 0;
    let finished = 0;
    const tasks = Array.from({ length: 200 }, (_, i) =>
      limiter.run(async () => {
        active++;
        peak = Math.max(peak, active);
        expect(limiter.active).toBeLessThanOrEqual(7);
        // Vary how long each task holds its slot so releases interleave with acquisitions.
        for (let turn = 0; turn < (i % 3) + 1; turn++) await yieldTurn();
        active--;
        finished++;
        return i;
      }),
    );
    const results = await Promise.all(tasks);
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(finished).toBe(200);
    expect(peak).toBe(7);
    expect(limiter.active).toBe(0);
  });

  it("serves waiters first come, first served", async () => {
    const limiter = new Limiter(1);
    const order: number[] = [];
    const first = await limiter.acquire();
    const waiting = [1, 2, 3].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    await yieldTurn();
    expect(order).toEqual([]);
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect(limiter.active).toBe(0);
  });

  it("ignores a second release of the same slot", async () => {
    const limiter = new Limiter(2);
    const a = await limiter.acquire();
    await limiter.acquire();
    expect(limiter.active).toBe(2);
    a();
    a();
    expect(limiter.active).toBe(1);
  });

  it("gives the slot back when the task throws", async () => {
    const limiter = new Limiter(1);
    await expect(
      limiter.run(async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(limiter.active).toBe(0);
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
  });
});
