/** A one-line progress bar on stderr (stdout stays clean for tables and JSON). */
export function progressBar(label: string): (done: number, total: number, phase?: string) => void {
  let last = -1;
  return (done, total, phase) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    process.stderr.write(`\r${label} [${bar}] ${String(pct).padStart(3)}% ${done}/${total}${phase ? ` ${phase}` : ''}   `);
    if (done >= total) process.stderr.write('\n');
  };
}
