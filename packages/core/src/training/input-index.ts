import { highBits, lowBits } from "./hash.ts";
import { HashSlotTable } from "./hash-table.ts";

/** What `InputIndex.check` found. */
export const INPUT_NEW = 0;
/** The same (normalised) input as an earlier example: `firstLine`, `firstAnswer` are that example's. */
export const INPUT_SEEN = 1;
/** Not the same input, but the same loosely normalised one: `firstLine`, `firstAnswer` are the first such example's. */
export const INPUT_SIMILAR = 2;

/** The bit of an entry's exact-key word that says the exact key is recorded there. */
const RECORDED = 0x80000000;

/**
 * The inputs seen by the duplicate, contradiction and near-duplicate checks, as two sets of hashes with the
 * first line and answer hash of each: by exact input (`normalizeExampleText`) and by loose input
 * (`normalizeExampleLoosely`), each holding at most `maxInputs` inputs. Most examples are new on both counts, and
 * an input's loose form follows from its exact one, so both live in one table keyed by the loose input that also
 * holds the exact input of its first example (24 bytes a slot, instead of two tables of 16); only the exact
 * inputs of near-duplicates (a loose input seen with another exact one) need a second table. `check` answers as
 * the two sets would, including once either is full.
 */
export class InputIndex {
  readonly maxInputs: number;
  /** By loose key: [exact key low bits, exact key high bits | RECORDED, first line, answer hash]. */
  readonly #loose: HashSlotTable;
  /** By exact key, for exact inputs not recorded in `#loose`: [first line, answer hash]. */
  readonly #exact: HashSlotTable;
  #exactInputs = 0;
  #exactFull = false;
  /** The line and answer hash of the example `check` matched. */
  firstLine = 0;
  firstAnswer = 0;

  constructor(maxInputs: number) {
    this.maxInputs = maxInputs;
    this.#loose = new HashSlotTable(4, maxInputs);
    this.#exact = new HashSlotTable(2, maxInputs);
  }

  /** Whether an input was not recorded for want of room (the checks are then incomplete). */
  get saturated(): boolean {
    return this.#exactFull || this.#loose.saturated || this.#exact.saturated;
  }

  /**
   * Look up an example's input and record it: INPUT_SEEN when its exact input was seen, else INPUT_SIMILAR when
   * its loose input was, else INPUT_NEW. The first example that matched is in `firstLine` and `firstAnswer`.
   */
  check(exactKey: number, looseKey: number, line: number, answerHash: number): number {
    const loose = this.#loose;
    const exactLow = lowBits(exactKey);
    const exactHigh = highBits(exactKey);
    const similar = loose.find(looseKey);
    if (similar !== -1) {
      const high = loose.get(similar, 1);
      if (high === (exactHigh | RECORDED) >>> 0 && loose.get(similar, 0) === exactLow) {
        return this.#found(INPUT_SEEN, loose.get(similar, 2), loose.get(similar, 3));
      }
    }
    // The exact input may be in the second table: when its loose input was recorded with another exact one, or
    // could not be recorded.
    if ((similar !== -1 || loose.saturated) && this.#exact.size > 0) {
      const seen = this.#exact.find(exactKey);
      if (seen !== -1) return this.#found(INPUT_SEEN, this.#exact.get(seen, 0), this.#exact.get(seen, 1));
    }
    let inserted = -1;
    if (similar === -1) {
      inserted = loose.insert(looseKey);
      if (inserted !== -1) {
        loose.set(inserted, 0, exactLow);
        loose.set(inserted, 1, exactHigh);
        loose.set(inserted, 2, line);
        loose.set(inserted, 3, answerHash);
      }
    }
    if (this.#exactInputs >= this.maxInputs) this.#exactFull = true;
    else if (inserted !== -1) {
      loose.set(inserted, 1, (exactHigh | RECORDED) >>> 0);
      this.#exactInputs++;
    } else {
      const slot = this.#exact.insert(exactKey);
      if (slot !== -1) {
        this.#exact.set(slot, 0, line);
        this.#exact.set(slot, 1, answerHash);
        this.#exactInputs++;
      }
    }
    if (similar === -1) return INPUT_NEW;
    return this.#found(INPUT_SIMILAR, loose.get(similar, 2), loose.get(similar, 3));
  }

  #found(kind: number, line: number, answerHash: number): number {
    this.firstLine = line;
    this.firstAnswer = answerHash;
    return kind;
  }
}
