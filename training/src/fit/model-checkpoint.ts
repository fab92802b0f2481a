import { saveModel, type ModelExtras } from '../models/io.ts';
import type { CallbackState, Monitor, ResumableCallback, TrainingState } from './callback.ts';
import { isImprovement, monitorValue } from './callback.ts';
import type { EpochLog } from './history.ts';

export interface ModelCheckpointOptions {
  /** Default 'valLoss'. */
  readonly monitor?: Monitor;
  /** config.json and dataset.json to store beside the model; history.json is written from the run. */
  readonly extras?: Omit<ModelExtras, 'history'>;
}

/**
 * Saves the model to `dir` whenever the monitored value improves, through saveModel (a whole new
 * directory renamed into place): a kill at any moment leaves the previous best model intact.
 */
export class ModelCheckpoint implements ResumableCallback {
  readonly stateKey = 'modelCheckpoint';
  private readonly monitor: Monitor;
  private best: number | undefined;

  constructor(
    readonly dir: string,
    private readonly options: ModelCheckpointOptions = {},
  ) {
    this.monitor = options.monitor ?? 'valLoss';
  }

  async onEpochEnd(log: EpochLog, state: TrainingState): Promise<void> {
    const value = monitorValue(log, this.monitor);
    if (!isImprovement(this.monitor, value, this.best)) return;
    this.best = value;
    await saveModel(state.model, this.dir, { ...this.options.extras, history: { epochs: state.history } });
  }

  saveState(): CallbackState {
    return { json: { best: this.best ?? null } };
  }

  restoreState(state: CallbackState): void {
    this.best = (state.json as { best: number | null }).best ?? undefined;
  }
}
