// Typed arrays ↔ base64 for the JSON model file. Multi-byte values are written little-endian
// explicitly, so a file is the same bytes on every machine.

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict decode: base64 that does not round-trip (stray characters, bad padding) is rejected. */
export function base64ToBytes(text: string): Uint8Array | null {
  const buf = Buffer.from(text, 'base64');
  if (buf.toString('base64') !== text) return null;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Sorted unsigned keys as varint-coded gaps: about three bytes a key instead of four. */
export function encodeSortedKeys(keys: Uint32Array): Uint8Array {
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < keys.length; i++) {
    let gap = (keys[i] as number) - prev;
    prev = keys[i] as number;
    while (gap >= 0x80) {
      out.push((gap & 0x7f) | 0x80);
      gap = Math.floor(gap / 128);
    }
    out.push(gap);
  }
  return Uint8Array.from(out);
}

/** Inverse of encodeSortedKeys; null unless exactly `count` strictly increasing 32-bit keys. */
export function decodeSortedKeys(bytes: Uint8Array, count: number): Uint32Array | null {
  const keys = new Uint32Array(count);
  let at = 0;
  let prev = -1;
  for (let i = 0; i < count; i++) {
    let gap = 0;
    let mult = 1;
    for (;;) {
      if (at >= bytes.length || mult > 2 ** 28) return null;
      const b = bytes[at++] as number;
      gap += (b & 0x7f) * mult;
      mult *= 128;
      if (b < 0x80) break;
    }
    const key = (i === 0 ? 0 : prev) + gap;
    if ((i > 0 && gap === 0) || key > 0xffffffff) return null;
    keys[i] = key;
    prev = key;
  }
  return at === bytes.length ? keys : null;
}

export function uint16ToBytes(values: Uint16Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i] as number, true);
  return out;
}

export function bytesToUint16(bytes: Uint8Array): Uint16Array | null {
  if (bytes.length % 2 !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(i * 2, true);
  return out;
}

/** Values 0–3, four to a byte. */
export function packTwoBit(values: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 4));
  for (let i = 0; i < values.length; i++) {
    out[i >> 2] = (out[i >> 2] as number) | (((values[i] as number) & 3) << ((i & 3) * 2));
  }
  return out;
}

export function unpackTwoBit(bytes: Uint8Array, count: number): Uint8Array | null {
  if (bytes.length !== Math.ceil(count / 4)) return null;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 2] as number) >> ((i & 3) * 2)) & 3;
  return out;
}
