import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LettersError, globalOptions, type LettersCommand } from '@letters/training';
import { trainingCommands } from '@letters/training';
import { inferenceCommands } from '../index.ts';
import { exportCommands } from '@letters/export';

const commands: LettersCommand[] = [trainingCommands, exportCommands, inferenceCommands];

async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('letters')
    .usage('$0 <command> [options]')
    .options(globalOptions)
    .strict()
    .demandCommand(1, 'Name a command; `letters --help` lists them.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      throw error ?? new LettersError(message, { exitCode: 2 });
    });
  for (const add of commands) cli = add(cli);
  await cli.parseAsync();
}

try {
  await main(hideBin(process.argv));
} catch (error) {
  const verbose = process.argv.includes('--verbose');
  if (error instanceof LettersError) {
    process.stderr.write(`letters: ${error.message}\n`);
    if (verbose && error.cause instanceof Error) process.stderr.write(`${error.cause.stack}\n`);
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`letters: unexpected error: ${message}\n`);
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('letters: run again with --verbose for the stack trace\n');
    process.exitCode = 1;
  }
}
