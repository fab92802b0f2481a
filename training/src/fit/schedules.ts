import type { Callback, TrainingState } from './callback.ts';
import { setLearningRate } from './optimizers.ts';

/** A learning rate per epoch, relative to the initial one. */
export type ScheduleConfig =
  | { readonly kind: 'constant' }
  /** Multiplies the rate by `factor` every `every` epochs. */
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }
  /** Multiplies the rate by `rate` every epoch. */
  | { readonly kind: 'exponential'; readonly rate: number };

/** The learning rate of 1-based `epoch`. */
export function scheduledRate(schedule: ScheduleConfig, initial: number, epoch: number): number {
  switch (schedule.kind) {
    case 'constant':
      return initial;
    case 'step':
      return initial * schedule.factor ** Math.floor((epoch - 1) / schedule.every);
    case 'exponential':
      return initial * schedule.rate ** (epoch - 1);
  }
}

/** Sets the optimizer's learning rate at the start of each epoch from a schedule. */
export class LearningRateScheduler implements Callback {
  constructor(
    private readonly schedule: ScheduleConfig,
    private readonly initial: number,
  ) {}

  onEpochBegin(epoch: number, state: TrainingState): void {
    setLearningRate(state.optimizer, scheduledRate(this.schedule, this.initial, epoch));
  }
}
