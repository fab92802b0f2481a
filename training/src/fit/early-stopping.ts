import type * as tf from '@tensorflow/tfjs';
import type { CallbackState, Monitor, ResumableCallback, TrainingState } from './callback.ts';
import { isImprovement, monitorValue } from './callback.ts';
import type { EpochLog } from './history.ts';

export interface EarlyStoppingOptions {
  /** Default 'valLoss'. */
  readonly monitor?: Monitor;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** At the end of training, put back the weights of the best epoch (default true). */
  readonly restoreBestWeights?: boolean;
}

interface EarlyStoppingJson {
  best: number | undefined;
  bestEpoch: number | undefined;
  wait: number;
}

/** Stops training when the monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements ResumableCallback {
  readonly stateKey = 'earlyStopping';
  private readonly monitor: Monitor;
  private best: number | undefined;
  private wait = 0;
  private bestWeights: tf.Tensor[] | undefined;
  /** The epoch whose weights are (or will be) restored. */
  bestEpoch: number | undefined;

  constructor(private readonly options: EarlyStoppingOptions) {
    this.monitor = options.monitor ?? 'valLoss';
  }

  onEpochEnd(log: EpochLog, state: TrainingState): void {
    const value = monitorValue(log, this.monitor);
    if (isImprovement(this.monitor, value, this.best, this.options.minDelta)) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.wait = 0;
      if (this.options.restoreBestWeights ?? true) this.keepWeights(state.model.getWeights().map((w) => w.clone()));
      return;
    }
    this.wait++;
    if (this.wait >= this.options.patience) {
      state.stop(`early stopping: ${this.monitor} has not improved for ${this.wait} epochs (best ${this.best?.toFixed(4)} at epoch ${this.bestEpoch})`);
    }
  }

  onTrainEnd(state: TrainingState): void {
    if (this.bestWeights !== undefined && this.bestEpoch !== state.history.at(-1)?.epoch) {
      state.model.setWeights(this.bestWeights);
    }
    this.keepWeights(undefined);
  }

  saveState(): CallbackState {
    const json: EarlyStoppingJson = { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait };
    return { json, tensors: this.bestWeights };
  }

  restoreState(state: CallbackState): void {
    const json = state.json as EarlyStoppingJson;
    this.best = json.best ?? undefined;
    this.bestEpoch = json.bestEpoch ?? undefined;
    this.wait = json.wait;
    this.keepWeights(state.tensors && state.tensors.length > 0 ? [...state.tensors] : undefined);
  }

  private keepWeights(weights: tf.Tensor[] | undefined): void {
    for (const w of this.bestWeights ?? []) w.dispose();
    this.bestWeights = weights;
  }
}
