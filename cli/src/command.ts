import type { ArgumentsCamelCase, Argv, Options } from 'yargs';

/**
 * Options every `letters` command accepts. Output conventions: results on stdout (JSON with --json);
 * progress bars, information and warnings on stderr; --quiet, and --json, leave only results, warnings
 * and errors; an error is one line on stderr (with --json, one JSON object: see main.ts).
 */
export const globalOptions = {
  verbose: { type: 'boolean', default: false, describe: 'Show stack traces and debug output' },
  quiet: { type: 'boolean', default: false, describe: 'No progress bars or information lines: only results, warnings and errors' },
  json: { type: 'boolean', default: false, describe: 'Print results, and an error, as JSON' },
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

/** An information line on stderr (what runs, where output goes, progress), unless --quiet or --json. */
export function informer(args: Pick<CommandContext, 'quiet' | 'json'>): (line: string) => void {
  return args.quiet || args.json ? () => {} : (line) => process.stderr.write(`${line}\n`);
}

/** A warning on stderr: shown even with --quiet. */
export function warn(line: string): void {
  process.stderr.write(`WARNING: ${line}\n`);
}

/** A command's result as JSON on stdout (--json). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
