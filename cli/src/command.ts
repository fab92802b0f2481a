import type { ArgumentsCamelCase, Argv, Options } from 'yargs';

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
 * What one `letters` command does: its options (`builder`) and its work (`handler`). The command's
 * name, positionals and description are in commands/index.ts, which loads this module only when the
 * command runs.
 */
export interface Command<U = unknown> {
  builder(cli: Argv<CommandContext>): Argv<U>;
  handler(args: ArgumentsCamelCase<U>): Promise<void>;
}

/** A command, with the handler's arguments typed by the options the builder declares. */
export function command<U>(
  builder: (cli: Argv<CommandContext>) => Argv<U>,
  handler: (args: ArgumentsCamelCase<U>) => Promise<void>,
): Command<U> {
  return { builder, handler };
}
