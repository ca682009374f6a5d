/** How much a finding counts: an error fails the check (and the gate), a warning is shown but passes. */
export type DataFindingSeverity = "error" | "warning";

/** One problem found in training data, at a line of the file (`null` for the file as a whole). */
export interface DataFinding {
  /** 1-based line in the file; `null` for findings about the whole file (too few examples). */
  line: number | null;
  /** Stable machine-readable code, e.g. `invalid-json`, `contradiction`, `leakage`. */
  code: string;
  severity: DataFindingSeverity;
  message: string;
}

/** How many findings of one code there were, and how many of them the report keeps. */
export interface DataFindingCount {
  code: string;
  severity: DataFindingSeverity;
  count: number;
  stored: number;
}

/**
 * Collects findings while a file streams by, keeping every count but only the first `maxPerCode` findings of
 * each code, so a file with ten million broken lines still produces a small report (and constant memory).
 */
export class FindingCollector {
  readonly maxPerCode: number;
  #findings: DataFinding[] = [];
  #counts = new Map<string, DataFindingCount>();
  #errors = 0;
  #warnings = 0;

  constructor(maxPerCode: number) {
    this.maxPerCode = maxPerCode;
  }

  /** Record a finding (stored only while its code has fewer than `maxPerCode` stored). */
  add(line: number | null, code: string, severity: DataFindingSeverity, message: string): void {
    let entry = this.#counts.get(code);
    if (!entry) {
      entry = { code, severity, count: 0, stored: 0 };
      this.#counts.set(code, entry);
    }
    entry.count++;
    if (severity === "error") this.#errors++;
    else this.#warnings++;
    if (entry.stored < this.maxPerCode) {
      entry.stored++;
      this.#findings.push({ line, code, severity, message });
    }
  }

  /** Count `count` more findings of a code without storing them (the rest of a list already sampled). */
  addUncounted(code: string, severity: DataFindingSeverity, count: number): void {
    if (count <= 0) return;
    let entry = this.#counts.get(code);
    if (!entry) {
      entry = { code, severity, count: 0, stored: 0 };
      this.#counts.set(code, entry);
    }
    entry.count += count;
    if (severity === "error") this.#errors += count;
    else this.#warnings += count;
  }

  /** Errors recorded (all of them, stored or not). */
  get errorCount(): number {
    return this.#errors;
  }

  /** Warnings recorded (all of them, stored or not). */
  get warningCount(): number {
    return this.#warnings;
  }

  /** Count of one code (0 when never recorded). */
  countOf(code: string): number {
    return this.#counts.get(code)?.count ?? 0;
  }

  /** The stored findings, by line (file-level ones first), then in the order they were found. */
  listFindings(): DataFinding[] {
    return this.#findings
      .map((finding, index) => ({ finding, index }))
      .sort((a, b) => (a.finding.line ?? 0) - (b.finding.line ?? 0) || a.index - b.index)
      .map(({ finding }) => finding);
  }

  /** Counts per code, errors first, then by code. */
  listCounts(): DataFindingCount[] {
    return [...this.#counts.values()]
      .map((c) => ({ ...c }))
      .sort(
        (a, b) =>
          (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || a.code.localeCompare(b.code),
      );
  }
}
