/**
 * New column numbers with the most frequent features (lowest IDF) first. Every ticket touches the
 * frequent columns, so with their weight rows side by side they stay in cache; prediction reads a
 * column's weights wherever they are, so the numbers it produces do not change.
 */
export function frequentFirst(idf: Float32Array): Int32Array {
  const order = Array.from({ length: idf.length }, (_, i) => i).sort(
    (a, b) => (idf[a] as number) - (idf[b] as number) || a - b,
  );
  const newCol = new Int32Array(idf.length);
  order.forEach((old, rank) => (newCol[old] = rank));
  return newCol;
}

/** Moves each column's `width` values (a weight row, or one value when width is 1) to its new place. */
export function permuteRows<T extends Int8Array | Float32Array | Uint8Array>(
  values: T,
  width: number,
  newCol: Int32Array,
  make: (n: number) => T,
): T {
  const out = make(values.length);
  for (let old = 0; old < newCol.length; old++) {
    out.set(values.subarray(old * width, (old + 1) * width), (newCol[old] as number) * width);
  }
  return out;
}
