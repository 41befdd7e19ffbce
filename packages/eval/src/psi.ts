/**
 * Population stability index between two distributions given as counts per bucket: below 0.1 the
 * mix is stable, 0.1 to 0.25 it moved, above 0.25 it changed. Empty buckets get half a count so a
 * value that appears or vanishes yields a large but finite figure.
 */
export function populationStability(before: Record<string, number>, after: Record<string, number>): number {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  if (total(before) === 0 || total(after) === 0 || keys.size === 0) return 0;
  const smoothed = (c: Record<string, number>): Map<string, number> => {
    const counts = new Map([...keys].map((k) => [k, Math.max(c[k] ?? 0, 0.5)]));
    const n = [...counts.values()].reduce((a, b) => a + b, 0);
    return new Map([...counts].map(([k, v]) => [k, v / n]));
  };
  const b = smoothed(before);
  const a = smoothed(after);
  let psi = 0;
  for (const k of keys) {
    const pb = b.get(k) ?? 0;
    const pa = a.get(k) ?? 0;
    psi += (pa - pb) * Math.log(pa / pb);
  }
  return psi;
}
