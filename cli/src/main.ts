import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LettersError } from '@letters/contract';
import { globalOptions, type CommandContext } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { EXIT_CODES, SIGNAL_EXIT_CODES, UNEXPECTED_ERROR_EXIT_CODE } from './exit-codes.ts';
import { checkSingleValued } from './options.ts';

/** This package's version (yargs would otherwise look for the package.json of the current directory). */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** yargs passes itself to middleware as the second argument (its types leave it out): the command's declared options. */
interface OptionsReader {
  getOptions(): { array: string[] };
}

async function main(argv: string[]): Promise<void> {
  let cli: Argv<CommandContext> = yargs(argv)
    .scriptName('letters')
    .usage('$0 <command> [options]')
    .version(version)
    .options(globalOptions)
    .strict()
    .demandCommand(1, 'Name a command; `letters --help` lists them.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .middleware((args: Record<string, unknown>, parser?: OptionsReader) => {
      const lists = parser?.getOptions().array ?? [];
      checkSingleValued(args, [...lists, ...lists.map((name) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()))]);
    }, true)
    .fail((message, error) => {
      // yargs' own messages may span lines ("Invalid values:\n  Argument: ..."): one line, as every error.
      // A YError is yargs' own, or an option check (options.ts) that yargs re-threw with its message only.
      if (error !== undefined && error.name !== 'YError') throw error;
      throw new LettersError((message ?? error!.message).replace(/\s*\n\s*/g, ' '), { kind: 'usage' });
    });
  // Global options are flags, so the first word that is not one names the command: only its module loads.
  const chosen = argv.find((arg) => !arg.startsWith('-'));
  for (const entry of COMMANDS) {
    if (entry.usage.split(' ')[0] === chosen) {
      const { builder, handler } = await entry.load();
      cli = cli.command({ command: entry.usage, describe: entry.describe, builder, handler });
    } else {
      cli = cli.command(entry.usage, entry.describe);
    }
  }
  await cli.parseAsync();
}

/**
 * Errors: one line on stderr, `letters: <message>`; with --json, one JSON object on stderr instead,
 * `{"error":{"kind","message","exitCode"}}` (kind: usage, input, parity, partial, or internal for a bug).
 * The exit code follows the kind (exit-codes.ts).
 */
function report(error: unknown, argv: readonly string[]): void {
  const known = error instanceof LettersError;
  const kind = known ? error.kind : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = known ? EXIT_CODES[error.kind] : UNEXPECTED_ERROR_EXIT_CODE;
  const stack = known ? (error.cause instanceof Error ? error.cause.stack : undefined) : error instanceof Error ? error.stack : undefined;
  const verbose = argv.includes('--verbose');
  if (argv.includes('--json')) {
    process.stderr.write(`${JSON.stringify({ error: { kind, message, exitCode, ...(verbose && stack ? { stack } : {}) } })}\n`);
  } else {
    process.stderr.write(known ? `letters: ${message}\n` : `letters: unexpected error: ${message}\n`);
    if (verbose && stack) process.stderr.write(`${stack}\n`);
    else if (!known) process.stderr.write('letters: run again with --verbose for the stack trace\n');
  }
  process.exitCode = exitCode;
}

// Ctrl-C and SIGTERM end a command with 128 + the signal (130, 143); exiting removes the temporaries
// it was writing (@letters/contract/node). A command that handles the signal itself (serve and demo
// stop gracefully, training prints how to resume) adds its own listener and keeps it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(SIGNAL_EXIT_CODES[signal]);
  });
}

const argv = hideBin(process.argv);
try {
  await main(argv);
} catch (error) {
  report(error, argv);
}
