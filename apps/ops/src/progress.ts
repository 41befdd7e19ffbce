/**
 * Progress on stderr (stdout stays clean for tables and JSON): a redrawn bar on a terminal, and a
 * line per quarter when piped to a log, so CI output does not fill with carriage returns.
 */
export function progressBar(
  label: string,
  tty = process.stderr.isTTY,
): (done: number, total: number, phase?: string) => void {
  let last = -1;
  return (done, total, phase) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const step = tty ? 1 : 25;
    if (Math.floor(pct / step) === Math.floor(last / step) && done !== total) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${done}/${total}${phase ? ` ${phase}` : ''}`;
    if (tty) process.stderr.write(`\r${line}   ${done >= total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}
