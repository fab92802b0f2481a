/** `letters tune`: every variant of a grid on one split and budget, ranked; the best model saved. */
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput } from '@letters/contract/node';
import {
  checkClassCount,
  createTrainStep,
  describeBudget,
  readGrid,
  terminalTable,
  tune as runTune,
  tuneColumns,
  type TuneBudget,
} from '@letters/training';
import { command, printJson } from '../command.ts';
import { positiveInteger } from '../options.ts';
import { backendOptions, dataOptions, datasetList, gridOption } from '../training-options.ts';
import { prepareTraining, resumeHintOnInterrupt } from '../training-run.ts';

function tuneBudget(epochs: number | undefined, minutes: number | undefined, baselineEpochs: number): TuneBudget {
  if (minutes !== undefined) {
    if (!(Number.isFinite(minutes) && minutes > 0)) throw new LettersError(`--budget-minutes ${minutes}: use a positive number`, { kind: 'usage' });
    return { minutes };
  }
  return { epochs: positiveInteger('budget-epochs', epochs) ?? baselineEpochs };
}

export const tune = command(
  (cli) =>
    cli
      .option('grid', gridOption('Grid file (the shipped one tries the nine techniques)'))
      .option('budget-epochs', { type: 'number', describe: "Epochs per variant (default: the grid's)" })
      .option('budget-minutes', { type: 'number', describe: "Minutes per variant (at most the grid's epochs)" })
      .conflicts('budget-epochs', 'budget-minutes')
      .options(dataOptions)
      .option('out', { type: 'string', default: join('runs', 'tune'), describe: 'Folder for results.md/json, curves.png, variants/ and best/' })
      .options(backendOptions)
      .example('$0 tune --data-dir ../shared/data --budget-epochs 3', 'every technique in isolation, 3 epochs each')
      .example('$0 tune --grid my-grid.json --budget-minutes 2 --limit 10000', 'a custom grid, 2 minutes per variant')
      .epilogue(datasetList()),
  async (args) => {
    const grid = await readGrid(args.grid);
    const budget = tuneBudget(args.budgetEpochs, args.budgetMinutes, grid.variants[0].epochs);
    const limit = positiveInteger('limit', args.limit);
    await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs: [args.grid] });
    await checkOutput(join(args.out, 'best'), { kind: 'folder', of: 'model' }, { option: '--out', inputs: [args.grid] });
    resumeHintOnInterrupt();
    const { data, log } = await prepareTraining({ ...args, limit });
    for (const variant of grid.variants) checkClassCount(variant, data, `${args.grid}: variant "${variant.name}"`);
    log(`tuning ${grid.variants.length} variants of ${args.grid}, budget ${describeBudget(budget, grid)}, into ${args.out}`);
    const report = await runTune({
      grid,
      gridFile: args.grid,
      data,
      outDir: args.out,
      seed: args.seed,
      budget,
      createTrainStep,
      quiet: args.quiet || args.json,
      onVariant: (name, index, total, skipped) => log(`variant ${index + 1}/${total}: ${name}${skipped ? ' (finished earlier, skipped)' : ''}`),
    });
    if (args.json) {
      printJson(report);
      return;
    }
    process.stdout.write(`budget: ${report.budget}\n${terminalTable(report.rows, tuneColumns)}\n`);
    process.stdout.write(
      `best: ${report.best.name}, test accuracy ${report.best.test.accuracy.toFixed(4)} (loss ${report.best.test.loss.toFixed(4)}), saved in ${report.best.dir}\n`,
    );
    process.stdout.write(`wrote ${['results.md', 'results.json', 'curves.png'].map((f) => join(args.out, f)).join(', ')}\n`);
  },
);
