/**
 * Feature key → column, as an open-addressing table over typed arrays: one multiply and usually
 * one probe per lookup, no per-entry objects, so prediction stays in the microseconds.
 */
export class KeyTable {
  private readonly keys: Uint32Array;
  /** Column + 1; 0 marks an empty slot. */
  private readonly cols: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  /** `keys[i]` becomes column `cols[i]`, or column i without `cols`; keys must be distinct. */
  constructor(keys: Uint32Array, cols?: Int32Array) {
    let bits = 4;
    while (1 << bits < keys.length * 2) bits++;
    this.keys = new Uint32Array(1 << bits);
    this.cols = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      let slot = this.slotOf(key);
      while (this.cols[slot] !== 0) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.cols[slot] = (cols ? (cols[i] as number) : i) + 1;
    }
  }

  private slotOf(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The column of `key`, or -1 when the model has no such feature. */
  get(key: number): number {
    let slot = this.slotOf(key);
    for (;;) {
      const col = this.cols[slot] as number;
      if (col === 0) return -1;
      if (this.keys[slot] === key) return col - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}
