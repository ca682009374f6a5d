import { highBits, lowBits } from "./hash.ts";

/** Slots per page: a page is a small open-addressing table (2,048 slots, 32 KB at width 2). */
const PAGE_BITS = 11;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;
/**
 * A page splits when it would pass this load. Pages hold between half this load (just split) and this load, so
 * it sets the table's memory per entry: 0.875 rather than 0.75 takes about 14% less for the same entries, while
 * linear probing within a 2,048-slot page stays short (a few slots to find an entry, tens at worst to miss one).
 */
const MAX_PAGE_LOAD = Math.floor(PAGE_SLOTS * 0.875);
/** Bits of the hash's high part (`highBits`) that choose a page. */
const HIGH_BITS = 21;

/**
 * A set of 53-bit hashes (from `computeStringHash`), each with `width` unsigned 32-bit values, in typed arrays:
 * (2 + width) × 4 bytes a slot and no object per entry, so a million entries of width 2 take about 30 MB where
 * a `Map` would take several times that.
 *
 * It grows by extendible hashing: a directory picks a page by the hash's high bits, and a page that fills up
 * splits in two, moving half its entries to one new page through a scratch page allocated once. Growing never
 * copies the whole table, so it leaves no large garbage behind (a table that doubled in one array left up to
 * twice its size to the garbage collector, which on a gigabyte file was tens of megabytes of resident memory).
 * Each hash is stored once (`insert` of a present hash is the caller's mistake). Growth stops at `maxEntries`:
 * later inserts are refused and `saturated` turns true, which is how the checks keep bounded memory on any file.
 */
export class HashSlotTable {
  readonly width: number;
  readonly maxEntries: number;
  readonly #stride: number;
  #pages: Uint32Array[] = [];
  #depths: number[] = [];
  #counts: number[] = [];
  #directory: number[] = [0];
  #globalDepth = 0;
  #size = 0;
  #saturated = false;
  #scratch: Uint32Array | undefined;

  constructor(width: number, maxEntries: number) {
    this.width = width;
    this.maxEntries = maxEntries;
    this.#stride = 2 + width;
    this.#addPage(0);
  }

  /** Entries stored. */
  get size(): number {
    return this.#size;
  }

  /** Whether an insert was refused because the table reached `maxEntries`. */
  get saturated(): boolean {
    return this.#saturated;
  }

  /** Bytes held by the table's pages. */
  get bytes(): number {
    return (this.#pages.length + (this.#scratch ? 1 : 0)) * PAGE_SLOTS * this.#stride * 4;
  }

  #pageOf(high: number): number {
    return this.#directory[this.#globalDepth === 0 ? 0 : high >>> (HIGH_BITS - this.#globalDepth)]!;
  }

  /** The slot holding `hash`, or -1. Slots are valid until the next `insert`. */
  find(hash: number): number {
    const lo = lowBits(hash);
    const tag = highBits(hash) + 1;
    const pageIndex = this.#pageOf(tag - 1);
    const page = this.#pages[pageIndex]!;
    const stride = this.#stride;
    let slot = lo & PAGE_MASK;
    for (let probes = 0; probes < PAGE_SLOTS; probes++) {
      const at = slot * stride;
      const stored = page[at + 1]!;
      if (stored === 0) return -1;
      if (stored === tag && page[at] === lo) return pageIndex * PAGE_SLOTS + slot;
      slot = (slot + 1) & PAGE_MASK;
    }
    return -1;
  }

  /** Store `hash` (not present yet) and return its slot, values zeroed; -1 when the table is full. */
  insert(hash: number): number {
    if (this.#size >= this.maxEntries) {
      this.#saturated = true;
      return -1;
    }
    const lo = lowBits(hash);
    const high = highBits(hash);
    let pageIndex = this.#pageOf(high);
    while (this.#counts[pageIndex]! >= MAX_PAGE_LOAD) {
      if (!this.#split(pageIndex)) {
        if (this.#counts[pageIndex]! >= PAGE_SLOTS - 1) {
          this.#saturated = true;
          return -1;
        }
        break;
      }
      pageIndex = this.#pageOf(high);
    }
    const slot = this.#place(this.#pages[pageIndex]!, lo, high + 1);
    this.#counts[pageIndex]!++;
    this.#size++;
    return pageIndex * PAGE_SLOTS + slot;
  }

  /** Value `index` (0-based, below `width`) of the entry at `slot`. */
  get(slot: number, index: number): number {
    return this.#pages[slot >>> PAGE_BITS]![(slot & PAGE_MASK) * this.#stride + 2 + index]!;
  }

  /** Set value `index` of the entry at `slot`. */
  set(slot: number, index: number, value: number): void {
    this.#pages[slot >>> PAGE_BITS]![(slot & PAGE_MASK) * this.#stride + 2 + index] = value;
  }

  /** Call `visit` with the slot of every entry. */
  forEachSlot(visit: (slot: number) => void): void {
    const stride = this.#stride;
    for (const [pageIndex, page] of this.#pages.entries()) {
      for (let slot = 0; slot < PAGE_SLOTS; slot++) {
        if (page[slot * stride + 1] !== 0) visit(pageIndex * PAGE_SLOTS + slot);
      }
    }
  }

  #addPage(depth: number): number {
    this.#pages.push(new Uint32Array(PAGE_SLOTS * this.#stride));
    this.#depths.push(depth);
    this.#counts.push(0);
    return this.#pages.length - 1;
  }

  #place(page: Uint32Array, lo: number, tag: number): number {
    const stride = this.#stride;
    let slot = lo & PAGE_MASK;
    while (page[slot * stride + 1] !== 0) slot = (slot + 1) & PAGE_MASK;
    page[slot * stride] = lo;
    page[slot * stride + 1] = tag;
    return slot;
  }

  /** Split a full page by the next bit of its entries' high hash bits; false when no bit is left. */
  #split(pageIndex: number): boolean {
    const depth = this.#depths[pageIndex]!;
    if (depth >= HIGH_BITS) return false;
    if (depth === this.#globalDepth) {
      const doubled: number[] = new Array(this.#directory.length * 2);
      for (let i = 0; i < doubled.length; i++) doubled[i] = this.#directory[i >>> 1]!;
      this.#directory = doubled;
      this.#globalDepth++;
    }
    const stride = this.#stride;
    const page = this.#pages[pageIndex]!;
    this.#scratch ??= new Uint32Array(PAGE_SLOTS * stride);
    const scratch = this.#scratch;
    scratch.set(page);
    page.fill(0);
    const sibling = this.#addPage(depth + 1);
    this.#depths[pageIndex] = depth + 1;
    const target = this.#pages[sibling]!;
    const shift = HIGH_BITS - depth - 1;
    let stay = 0;
    let moved = 0;
    for (let slot = 0; slot < PAGE_SLOTS; slot++) {
      const at = slot * stride;
      const tag = scratch[at + 1]!;
      if (tag === 0) continue;
      const toSibling = ((tag - 1) >>> shift) & 1;
      const into = toSibling ? target : page;
      const placed = this.#place(into, scratch[at]!, tag) * stride;
      for (let i = 2; i < stride; i++) into[placed + i] = scratch[at + i]!;
      if (toSibling) moved++;
      else stay++;
    }
    this.#counts[pageIndex] = stay;
    this.#counts[sibling] = moved;
    const directoryShift = this.#globalDepth - depth - 1;
    for (let i = 0; i < this.#directory.length; i++) {
      if (this.#directory[i] === pageIndex && ((i >>> directoryShift) & 1) === 1)
        this.#directory[i] = sibling;
    }
    return true;
  }
}
