import { progressBar, type Progress } from '../common/index.ts';
import type { BatchLog, Callback, TrainingState } from './callback.ts';
import type { EpochLog } from './history.ts';

export interface ProgressBarOptions {
  /** Nothing at all: no bar, no epoch summaries (`letters ... --quiet`). Without a terminal there is no bar anyway. */
  readonly quiet?: boolean;
  /** Shown before each epoch's bar, e.g. the variant name. */
  readonly label?: string;
  /** Where epoch summaries go (default stderr, so stdout stays clean for --json). */
  readonly log?: (line: string) => void;
}

/** A progress bar per epoch with ETA and the running loss/accuracy, and a summary line per epoch. */
export class ProgressBar implements Callback {
  private bar: Progress | undefined;
  private seen = 0;
  private lossSum = 0;
  private correctSum = 0;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ProgressBarOptions = {}) {
    this.log = options.quiet ? () => {} : (options.log ?? ((line) => process.stderr.write(`${line}\n`)));
  }

  onTrainBegin(state: TrainingState): void {
    const done = state.history.length;
    if (done > 0) this.log(`${this.prefix()}resuming after epoch ${done} of ${state.epochs} from the checkpoint`);
  }

  onEpochBegin(epoch: number, state: TrainingState): void {
    const prefix = this.options.label ? `${this.options.label} ` : '';
    this.bar = progressBar({ label: `${prefix}epoch ${epoch}/${state.epochs}`, total: state.trainCount, unit: 'images', quiet: this.options.quiet });
    this.seen = this.lossSum = this.correctSum = 0;
  }

  onBatchEnd(log: BatchLog): void {
    this.seen += log.size;
    this.lossSum += log.loss * log.size;
    this.correctSum += log.accuracy * log.size;
    this.bar?.tick(log.size, { loss: this.lossSum / this.seen, acc: this.correctSum / this.seen });
  }

  onEpochEnd(log: EpochLog, state: TrainingState): void {
    this.bar?.stop();
    this.bar = undefined;
    const validation = log.valLoss === undefined ? '' : ` | val_loss ${log.valLoss.toFixed(4)} val_acc ${log.valAccuracy?.toFixed(4)}`;
    this.log(
      `${this.prefix()}epoch ${log.epoch}/${state.epochs}: loss ${log.loss.toFixed(4)} acc ${log.accuracy.toFixed(4)}${validation}` +
        ` | lr ${log.learningRate.toPrecision(3)} | ${log.seconds.toFixed(1)} s`,
    );
  }

  onTrainEnd(state: TrainingState): void {
    this.bar?.stop();
    if (state.stopReason) this.log(`${this.prefix()}${state.stopReason}`);
  }

  private prefix(): string {
    return this.options.label ? `${this.options.label}: ` : '';
  }
}
