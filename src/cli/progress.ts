// Progress on stderr for anything that runs longer than a second: a redrawn bar on a terminal,
// a line every few seconds otherwise (CI logs), nothing at all for quick runs.

const SHOW_AFTER_MS = 1000;
const LOG_EVERY_MS = 5000;

export interface Progress {
  update(fraction: number): void;
  /** A line above the bar (the bar is redrawn under it at the next update). */
  log(line: string): void;
  done(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = performance.now();
  let lastLog = 0;
  let drawn = false;
  const render = (fraction: number) => {
    const elapsed = (performance.now() - start) / 1000;
    const pct = Math.min(100, Math.max(0, fraction * 100));
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : NaN;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const etaText = Number.isFinite(eta) ? `, ~${eta.toFixed(0)} s left` : '';
    return `${label} ${bar} ${pct.toFixed(0).padStart(3)}% (${elapsed.toFixed(1)} s${etaText})`;
  };
  return {
    update(fraction) {
      const now = performance.now();
      if (now - start < SHOW_AFTER_MS) return;
      if (stream.isTTY) {
        stream.write(`\r${render(fraction)}`);
        drawn = true;
      } else if (now - lastLog > LOG_EVERY_MS) {
        stream.write(`${render(fraction)}\n`);
        lastLog = now;
      }
    },
    log(line) {
      stream.write(drawn && stream.isTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
    done() {
      if (drawn) stream.write(`\r${render(1)}\n`);
    },
  };
}
