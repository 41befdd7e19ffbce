/**
 * Population stability index between two distributions given as counts per bucket: below 0.1 the
 * mix is stable, 0.1 to 0.25 it moved, above 0.25 it changed. Empty buckets get half a count so a
 * value that appears or vanishes yields a large but finite figure.
 */
export function populationStability(before: Record<string, number>, after: Record<string, number>): number {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  const nb = total(before);
  const na = total(after);
  if (nb === 0 || na === 0 || keys.size === 0) return 0;
  let psi = 0;
  for (const k of keys) {
    const b = Math.max(before[k] ?? 0, 0.5) / nb;
    const a = Math.max(after[k] ?? 0, 0.5) / na;
    psi += (a - b) * Math.log(a / b);
  }
  return psi;
}
