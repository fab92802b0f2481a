// Public API of @letters/training. Each area adds its exports in its own section.
import type { LettersCommand } from './common/index.ts';

// --- common: errors, atomic files, progress bars, tables, CLI conventions
export * from './common/index.ts';

// --- data
export * from './data/index.ts';
import { dataCommands } from './data/index.ts';

// --- charts
export * from './charts/index.ts';

// --- engine
export * from './engine/index.ts';

// --- models
export * from './models/index.ts';

// --- fit
export * from './fit/index.ts';

// --- experiments
export * from './experiments/index.ts';
import { experimentCommands } from './experiments/index.ts';

// --- transfer
export * from './transfer/index.ts';
import { transferCommands } from './transfer/index.ts';

/** The training package's CLI commands: data, train, tune, transfer. */
export const trainingCommands: LettersCommand = (cli) => transferCommands(experimentCommands(dataCommands(cli)));
