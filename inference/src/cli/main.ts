import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LettersError, globalOptions, type LettersCommand } from '@letters/training';
import { trainingCommands } from '@letters/training';
import { inferenceCommands, pipelineCommands } from '../index.ts';
import { exportCommands } from '@letters/export';

const commands: LettersCommand[] = [trainingCommands, exportCommands, inferenceCommands, pipelineCommands];

/**
 * `letters demo` comes from @letters/web-demo, which depends on this package (a static import would be a
 * cycle) and loads Vite (seconds): its module is imported only when `demo` runs; otherwise a placeholder
 * lists the command in `letters --help`.
 */
async function webDemoCommands(argv: readonly string[]): Promise<LettersCommand> {
  if (argv.find((arg) => !arg.startsWith('-')) === 'demo') return (await import('@letters/web-demo/command')).demoCommands;
  return (cli) => cli.command('demo', 'Serve the web demo: draw a letter, classify it in the browser (offline)', {}, () => {});
}

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
  for (const add of [...commands, await webDemoCommands(argv)]) cli = add(cli);
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
