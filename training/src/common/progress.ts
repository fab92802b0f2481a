import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by `delta` and updates the named fields shown after the bar (e.g. loss, acc). */
  tick(delta?: number, fields?: Record<string, string | number>): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What is being counted, shown before the bar. */
  label: string;
  total: number;
  /** Unit shown after the count, e.g. "images". */
  unit?: string;
  /** No bar at all (--quiet, --json). There is never one when stderr is not a terminal (CI logs, pipes). */
  quiet?: boolean;
}

/** A progress bar on stderr with rate and ETA; silent when quiet or when stderr is not a terminal. */
export function progressBar(options: ProgressOptions): Progress {
  const quiet = options.quiet === true || !process.stderr.isTTY;
  if (quiet) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% {value}/{total} ${options.unit ?? ''} | ETA {eta_formatted} | {extra}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { extra: '' });
  return {
    tick(delta = 1, fields) {
      const extra = fields
        ? Object.entries(fields)
            .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(4) : v}`)
            .join(' ')
        : undefined;
      bar.increment(delta, extra === undefined ? undefined : { extra });
    },
    stop() {
      bar.stop();
    },
  };
}
