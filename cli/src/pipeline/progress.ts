/**
 * The study's one overall progress line, printed as each stage ends: stage k of n, time elapsed and an
 * estimate of the time left. Stages take very different times, so the estimate weighs the stages left
 * by their share of a full run (the full profile on 2 cores: baselines 13%, tuning with the tuned model
 * 77%, transfer 7%, the rest under 3%), scaled by how fast this run's stages went against their shares.
 * Stages reused from an earlier run count as done and take no time.
 */
export const STAGE_SHARES: Readonly<Record<string, number>> = {
  inspect: 0.5,
  'seed-table': 13,
  tune: 77,
  transfer: 7,
};
/** Stages not listed above (each model's export and evaluation). */
const OTHER_SHARE = 0.6;
/** No estimate from less work than this: a stage of a second says nothing about the next hour. */
const MIN_SECONDS_FOR_ESTIMATE = 10;

const minutes = (seconds: number) => (seconds < 60 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`);

export class StudyProgress {
  private readonly started = performance.now();
  private finished = 0;
  private shareLeft: number;
  private shareRun = 0;
  private secondsRun = 0;

  constructor(
    private readonly stages: readonly string[],
    private readonly log: (line: string) => void,
  ) {
    this.shareLeft = stages.reduce((sum, name) => sum + share(name), 0);
  }

  /** Reports a finished stage (run now, or reused from an earlier run). */
  stageDone(name: string, cached: boolean, seconds: number): void {
    this.finished++;
    this.shareLeft -= share(name);
    if (!cached) {
      this.shareRun += share(name);
      this.secondsRun += seconds;
    }
    const elapsed = (performance.now() - this.started) / 1000;
    const estimate = this.secondsRun >= MIN_SECONDS_FOR_ESTIMATE && this.finished < this.stages.length;
    const left = estimate ? `, about ${minutes((this.secondsRun / this.shareRun) * this.shareLeft)} to go` : '';
    const what = cached ? 'unchanged, reused' : `done in ${minutes(seconds)}`;
    this.log(`[stage ${this.finished}/${this.stages.length}] ${name}: ${what}; ${minutes(elapsed)} elapsed${left}`);
  }
}

function share(name: string): number {
  return STAGE_SHARES[name] ?? OTHER_SHARE;
}
