import type { Case } from "../types.ts";
import { computeStringHash } from "./hash.ts";
import { normalizeExampleWords } from "./normalize.ts";

/** An eval case of a suite whose candidates use the training data being checked. */
export interface EvalCaseRef {
  suite: string;
  case: Case;
  /** The case's input as the model receives it (the prompt's user messages rendered with the case's vars). */
  renderedInput?: string;
}

/** An eval case a training example leaks. */
export interface LeakMatch {
  suite: string;
  caseId: string;
  /** Where the case is defined (`evals/coding.jsonl:12`), when known. */
  source?: string;
  /** `exact`: the example's input is the case's input; `contains`: it holds one of the case's texts nearly whole. */
  kind: "exact" | "contains";
}

/** Words in a shingle: long enough to be specific, short enough to survive light edits. */
const SHINGLE_WORDS = 5;
/** A case's text must be this long (in words) to be matched by containment rather than only exactly. */
const MIN_CONTAINED_WORDS = 10;
/** Share of a case text's shingles an example must hold to count as containing it. */
const CONTAINMENT = 0.8;
/** Texts shorter than this (characters, normalised) are too generic to match on their own. */
const MIN_EXACT_CHARS = 12;

interface ContainedText {
  caseIndex: number;
  shingles: number;
}

/**
 * The eval cases a training file is checked against for leakage, indexed once: hashes of each case's rendered
 * input and of each of its text variables (normalised: case folded, punctuation dropped), for exact matches;
 * and 5-word shingles of its longer texts (10 words and more), for training inputs that embed a case's text in
 * a different template. An example leaks a case when its input (all user turns, or the last one) equals one of
 * the case's texts, or holds at least 80% of the shingles of one of them. Memory is proportional to the eval
 * cases, not to the training file.
 */
export class EvalIndex {
  readonly #cases: EvalCaseRef[];
  readonly #exact = new Map<number, number>();
  readonly #shingles = new Map<number, number[]>();
  readonly #texts: ContainedText[] = [];

  constructor(cases: readonly EvalCaseRef[]) {
    this.#cases = [...cases];
    for (const [caseIndex, ref] of this.#cases.entries()) {
      const texts = new Set<string>();
      if (ref.renderedInput !== undefined) texts.add(normalizeExampleWords(ref.renderedInput));
      const leaves: string[] = [];
      collectStrings(ref.case.vars, leaves);
      for (const leaf of leaves) texts.add(normalizeExampleWords(leaf));
      if (leaves.length > 1) texts.add(normalizeExampleWords(leaves.join(" ")));
      for (const text of texts) {
        if (text.length < MIN_EXACT_CHARS) continue;
        const hash = computeStringHash(text);
        if (!this.#exact.has(hash)) this.#exact.set(hash, caseIndex);
        const shingles = computeShingles(text);
        if (shingles.length + SHINGLE_WORDS - 1 < MIN_CONTAINED_WORDS) continue;
        const distinct = new Set(shingles);
        const textIndex = this.#texts.length;
        this.#texts.push({ caseIndex, shingles: distinct.size });
        for (const shingle of distinct) {
          const list = this.#shingles.get(shingle);
          if (list) list.push(textIndex);
          else this.#shingles.set(shingle, [textIndex]);
        }
      }
    }
  }

  /** Cases indexed. */
  get size(): number {
    return this.#cases.length;
  }

  /** The eval case a training example's user text leaks, if any. */
  findLeak(userText: string, lastUserText: string): LeakMatch | undefined {
    const code = this.findLeakCode(userText, lastUserText);
    return code === -1 ? undefined : this.leakOf(code);
  }

  /**
   * `findLeak` as a number, for passing between threads: -1 for none, else the case's index × 2, plus 1 for a
   * `contains` match. `leakOf` turns it back into the match.
   */
  findLeakCode(userText: string, lastUserText: string): number {
    if (this.#cases.length === 0 || userText === "") return -1;
    const all = normalizeExampleWords(userText);
    const last = lastUserText === userText ? all : normalizeExampleWords(lastUserText);
    const exact = this.#exact.get(computeStringHash(all)) ?? this.#exact.get(computeStringHash(last));
    if (exact !== undefined) return exact * 2;
    if (this.#texts.length === 0) return -1;
    const hits = new Map<number, number>();
    const seen = new Set<number>();
    for (const shingle of computeShingles(all)) {
      if (seen.has(shingle)) continue;
      seen.add(shingle);
      const list = this.#shingles.get(shingle);
      if (!list) continue;
      for (const textIndex of list) {
        const count = (hits.get(textIndex) ?? 0) + 1;
        hits.set(textIndex, count);
        const text = this.#texts[textIndex]!;
        if (count >= Math.ceil(text.shingles * CONTAINMENT)) return text.caseIndex * 2 + 1;
      }
    }
    return -1;
  }

  /** The match a code from `findLeakCode` stands for. */
  leakOf(code: number): LeakMatch {
    const ref = this.#cases[code >> 1]!;
    const match: LeakMatch = { suite: ref.suite, caseId: ref.case.id, kind: code & 1 ? "contains" : "exact" };
    if (ref.case.source !== undefined) match.source = ref.case.source;
    return match;
  }
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (typeof value === "object" && value !== null) {
    for (const item of Object.values(value)) collectStrings(item, out);
  }
}

/** Hashes of every run of 5 consecutive words of a normalised text. */
function computeShingles(normalized: string): number[] {
  const words = normalized.split(" ");
  const out: number[] = [];
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    out.push(computeStringHash(words.slice(i, i + SHINGLE_WORDS).join(" ")));
  }
  return out;
}
