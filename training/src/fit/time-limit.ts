import type { Callback, TrainingState } from './callback.ts';
import type { EpochLog } from './history.ts';

/**
 * Stops training when another epoch would likely overrun a time budget (judged by the slowest
 * epoch so far). Time spent before a resume does not count.
 */
export class TimeLimit implements Callback {
  private started = 0;
  private slowest = 0;

  constructor(private readonly seconds: number) {}

  onTrainBegin(): void {
    this.started = performance.now();
  }

  onEpochEnd(log: EpochLog, state: TrainingState): void {
    this.slowest = Math.max(this.slowest, log.seconds);
    const elapsed = (performance.now() - this.started) / 1000;
    if (log.epoch < state.epochs && elapsed + this.slowest > this.seconds) {
      state.stop(`time budget: ${(this.seconds / 60).toFixed(1)} min would be exceeded by another epoch`);
    }
  }
}
