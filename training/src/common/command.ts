import type { Argv, Options } from 'yargs';

/** Options every `letters` command accepts. */
export const globalOptions = {
  verbose: { type: 'boolean', default: false, describe: 'Show stack traces and debug output' },
  quiet: { type: 'boolean', default: false, describe: 'No progress bars (for CI logs)' },
  json: { type: 'boolean', default: false, describe: 'Print results as JSON on stdout' },
} as const satisfies Record<string, Options>;

export interface CommandContext {
  verbose: boolean;
  quiet: boolean;
  json: boolean;
}

/**
 * A package's contribution to the `letters` CLI: a function that adds its commands.
 * Each package exports one of these from its index (training: data, train, tune, transfer;
 * export: export, inspect; inference: evaluate, parity, score, serve, pipeline, report).
 */
export type LettersCommand = (cli: Argv<CommandContext>) => Argv<CommandContext>;
