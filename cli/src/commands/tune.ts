/** `letters tune`: every variant of a grid over several seeds to convergence, with intervals; the tuned model saved. */
import { join } from 'node:path';
import { checkOutput } from '@letters/contract/node';
import {
  checkClassCount,
  createTrainStep,
  describePlan,
  readGrid,
  runSeeds,
  terminalTable,
  tune as runTune,
  tuneColumns,
} from '@letters/training';
import { command, printJson } from '../command.ts';
import { positiveInteger } from '../options.ts';
import { backendOptions, dataOptions, datasetList, gridOption } from '../training-options.ts';
import { prepareTraining, resumeHintOnInterrupt } from '../training-run.ts';

export const tune = command(
  (cli) =>
    cli
      .option('grid', gridOption('Grid file (the shipped one tries the nine techniques)'))
      .option('seeds', { type: 'number', describe: "Runs per variant, seeds --seed, --seed + 1, ... (default: the grid's)" })
      .option('budget-epochs', { type: 'number', describe: "At most this many epochs per run (default: the grid's)" })
      .options(dataOptions)
      .option('out', { type: 'string', default: join('runs', 'tune'), describe: 'Folder for results.md/json, effects.png, curves.png, variants/ and best/' })
      .options(backendOptions)
      .example('$0 tune --data-dir ../shared/data', 'every technique to convergence over the grid\'s seeds')
      .example('$0 tune --grid my-grid.json --seeds 2 --budget-epochs 3 --limit 10000', 'a custom grid, 2 seeds, at most 3 epochs per run')
      .epilogue(datasetList()),
  async (args) => {
    const grid = await readGrid(args.grid);
    const seeds = positiveInteger('seeds', args.seeds) ?? grid.seeds;
    const maxEpochs = positiveInteger('budget-epochs', args.budgetEpochs);
    const limit = positiveInteger('limit', args.limit);
    await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs: [args.grid] });
    await checkOutput(join(args.out, 'best'), { kind: 'folder', of: 'model' }, { option: '--out', inputs: [args.grid] });
    resumeHintOnInterrupt();
    const { data, log } = await prepareTraining({ ...args, limit });
    for (const variant of grid.variants) checkClassCount(variant, data, `${args.grid}: variant "${variant.name}"`);
    log(`tuning ${grid.variants.length} variants of ${args.grid}, seeds ${runSeeds(args.seed, seeds).join(', ')}, ${describePlan(grid, seeds, maxEpochs)}, into ${args.out}`);
    const report = await runTune({
      grid,
      gridFile: args.grid,
      data,
      outDir: args.out,
      seed: args.seed,
      seeds,
      ...(maxEpochs === undefined ? {} : { maxEpochs }),
      createTrainStep,
      quiet: args.quiet || args.json,
      onRun: (run, index, total, skipped) => log(`run ${index + 1}/${total}: ${run.variant}, seed ${run.seed}${skipped ? ' (finished earlier, reused)' : ''}`),
    });
    if (args.json) {
      printJson(report);
      return;
    }
    process.stdout.write(`${report.budget}\n${terminalTable(report.rows, tuneColumns)}\n${report.effects.join('\n')}\n`);
    const test = report.best.result.test;
    process.stdout.write(
      `tuned: ${report.best.name} (seed ${report.best.seed})${test ? `, test accuracy ${test.accuracy.toFixed(4)} (loss ${test.loss.toFixed(4)})` : ''}, saved in ${report.best.dir}\n`,
    );
    process.stdout.write(`wrote ${['results.md', 'results.json', 'effects.png', 'curves.png'].map((f) => join(args.out, f)).join(', ')}\n`);
  },
);
