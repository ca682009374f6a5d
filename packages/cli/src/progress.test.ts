import { describe, expect, it } from "vitest";
import { createProgressReporter, formatDuration, formatProgress } from "./progress.ts";

const at = (done: number, elapsedMs: number, extra: Partial<Parameters<typeof formatProgress>[0]> = {}) => ({
  total: 100,
  done,
  cacheHits: 0,
  errors: 0,
  elapsedMs,
  etaMs: done > 0 ? (elapsedMs / done) * (100 - done) : null,
  ...extra,
});

describe("progress", () => {
  it.each([
    [400, "0.4s"],
    [12_000, "12s"],
    [65_000, "1m05s"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("formats one line with counts, cache hits, errors and ETA", () => {
    expect(formatProgress(at(30, 3000, { cacheHits: 10, errors: 1 }))).toBe(
      "eval 30/100 (30%) · 10 cached · 1 error · 3.0s elapsed · ~7.0s left",
    );
  });

  it("prints few lines in a CI log: every 25% or 10 s after the first second, and the end once", () => {
    let clock = 0;
    const lines: string[] = [];
    const reporter = createProgressReporter(
      (t) => lines.push(t),
      false,
      () => clock,
    );
    for (let done = 1; done <= 100; done++) {
      clock += 50;
      reporter.update(at(done, clock));
    }
    reporter.finish();
    expect(lines.map((l) => l.split(" ")[1])).toEqual(["20/100", "25/100", "50/100", "75/100", "100/100"]);
    expect(lines.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
  });

  it("prints only the final line of a run shorter than a second", () => {
    let clock = 0;
    const lines: string[] = [];
    const reporter = createProgressReporter(
      (t) => lines.push(t),
      false,
      () => clock,
    );
    for (let done = 1; done <= 100; done++) {
      clock += 5;
      reporter.update(at(done, clock));
    }
    reporter.finish();
    expect(lines).toEqual(["eval 100/100 (100%) · 0.5s elapsed\n"]);
  });

  it("prints only the final line of a run shorter than a second", () => {
    let clock = 0;
    const lines: string[] = [];
    const reporter = createProgressReporter(
      (t) => lines.push(t),
      false,
      () => clock,
    );
    for (let done = 1; done <= 100; done++) {
      clock += 5;
      reporter.update(at(done, clock));
    }
    reporter.finish();
    expect(lines).toEqual(["eval 100/100 (100%) · 0.5s elapsed\n"]);
  });

  it("redraws one line on a terminal, throttled, and ends it with a newline", () => {
    let clock = 0;
    const writes: string[] = [];
    const reporter = createProgressReporter(
      (t) => writes.push(t),
      true,
      () => clock,
    );
    for (let done = 1; done <= 100; done++) {
      clock += 10;
      reporter.update(at(done, clock));
    }
    reporter.finish();
    expect(writes.length).toBeLessThan(15);
    expect(writes.at(-2)).toContain("100/100");
    expect(writes.at(-1)).toBe("\n");
  });
});
