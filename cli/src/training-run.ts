/** What `letters train` and `letters tune` do before they train: the backend line, the data, and Ctrl-C. */
import { defaultLettersDataset, describeBackend, initBackend, loadDataset, type BackendChoice } from '@letters/training';
import { informer, warn } from './command.ts';
import { SIGNAL_EXIT_CODES } from './exit-codes.ts';

export interface TrainingArgs {
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly dataset?: string;
  readonly dataDir?: string;
  readonly seed: number;
  readonly limit?: number;
  readonly quiet: boolean;
  readonly json: boolean;
}

/** The backend line first, as every training command does; then the data (information lines: hidden by --quiet). */
export async function prepareTraining(args: TrainingArgs) {
  const log = informer(args);
  const backend = await initBackend({ backend: args.backend, threads: args.threads });
  log(describeBackend(backend));
  const dataset = args.dataset ?? defaultLettersDataset(args.dataDir);
  const data = await loadDataset(dataset, { dataDir: args.dataDir, seed: args.seed, limit: args.limit });
  log(`data: ${data.source.description}: ${data.train.count} train, ${data.validation.count} validation, ${data.test.count} test images`);
  if (data.source.synthetic) warn('synthetic data (the generated fixtures): numbers are not comparable to EMNIST');
  return { backend, data, log };
}

/** Ctrl-C: say how to continue; the checkpoints on disk are complete because every write is atomic. */
export function resumeHintOnInterrupt(): void {
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: run the same command again to resume from the last completed epoch\n');
    process.exit(SIGNAL_EXIT_CODES.SIGINT);
  });
}
