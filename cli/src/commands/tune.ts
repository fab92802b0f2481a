/** `letters tune`: every variant of a grid over several seeds to convergence, with intervals; the tuned model saved. */
import { join } from 'node:path';
import { checkOutput } from '@letters/contract/node';
import {
  budgetPlan,
  checkClassCount,
  describeBudgetPlan,
  createTrainStep,
  describePlan,
  readGrid,
  runSeeds,
  terminalTable,
  tune as runTune,
  tuneColumns,
  tuningSample,
} from '@letters/training';
import { command, printJson } from '../command.ts';
import { positiveInteger, positiveNumber } from '../options.ts';
import { backendOptions, dataOptions, datasetList, gridOption } from '../training-options.ts';
import { parseQueueUrl, queueRuns } from '../queue/run-queue.ts';
import { prepareTraining, resumeHintOnInterrupt } from '../training-run.ts';

export const tune = command(
  (cli) =>
    cli
      .option('grid', gridOption('Grid file (the shipped one tries the nine techniques)'))
      .option('seeds', { type: 'number', describe: "Runs per variant, seeds --seed, --seed + 1, ... (default: the grid's)" })
      .option('budget-epochs', { type: 'number', describe: "At most this many epochs per run (default: the grid's)" })
      .option('budget-minutes', {
        type: 'number',
        describe: 'Plan seeds and epochs to fit this many minutes of training, from a measured probe of each variant (no run is cut short)',
      })
      .conflicts('budget-minutes', ['budget-epochs', 'seeds'])
      .options(dataOptions)
      .option('out', { type: 'string', default: join('runs', 'tune'), describe: 'Folder for results.md/json, effects.png, curves.png, variants/ and best/' })
      .option('queue', { type: 'string', describe: 'Share the runs out through a Redis queue (redis://host:port) to `letters worker`s' })
      .options(backendOptions)
      .example('$0 tune --data-dir ../shared/data', 'every technique to convergence over the grid\'s seeds')
      .example('$0 tune --grid my-grid.json --seeds 2 --budget-epochs 3 --limit 10000', 'a custom grid, 2 seeds, at most 3 epochs per run')
      .example('$0 tune --queue redis://10.0.0.5:6379', 'the runs trained by `letters worker --queue redis://10.0.0.5:6379` on other machines')
      .epilogue(datasetList()),
  async (args) => {
    const grid = await readGrid(args.grid);
    const minutes = positiveNumber('budget-minutes', args.budgetMinutes);
    const seedsOption = positiveInteger('seeds', args.seeds);
    const epochsOption = positiveInteger('budget-epochs', args.budgetEpochs);
    const limit = positiveInteger('limit', args.limit);
    await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs: [args.grid] });
    await checkOutput(join(args.out, 'best'), { kind: 'folder', of: 'model' }, { option: '--out', inputs: [args.grid] });
    resumeHintOnInterrupt();
    if (args.queue !== undefined) parseQueueUrl(args.queue); // a bad address fails before the data loads
    const { data: loaded, log } = await prepareTraining({ ...args, limit });
    for (const variant of grid.variants) checkClassCount(variant, loaded, `${args.grid}: variant "${variant.name}"`);
    if (minutes !== undefined) log(`timing one epoch of each variant to plan ${minutes} minutes...`);
    const plan = minutes === undefined ? undefined : await budgetPlan({ grid, data: loaded, minutes, outDir: args.out, createTrainStep });
    const data = tuningSample(loaded, plan?.images);
    const seeds = plan?.seeds ?? seedsOption ?? grid.seeds;
    const maxEpochs = plan?.maxEpochs ?? epochsOption;
    const budget = `${describePlan(grid, seeds, maxEpochs)}${plan ? `; ${describeBudgetPlan(plan)}` : ''}`;
    log(`tuning ${grid.variants.length} variants of ${args.grid}, seeds ${runSeeds(args.seed, seeds).join(', ')}, ${budget}, into ${args.out}`);
    const report = await runTune({
      grid,
      gridFile: args.grid,
      data,
      outDir: args.out,
      seed: args.seed,
      seeds,
      ...(maxEpochs === undefined ? {} : { maxEpochs }),
      budget,
      createTrainStep,
      ...(args.queue === undefined
        ? {}
        : {
            runRuns: queueRuns({
              url: args.queue,
              data: { dataset: data.source.name, seed: args.seed, ...(limit === undefined ? {} : { limit }), ...(plan?.images === undefined ? {} : { images: plan.images }) },
              dataHash: data.source.hash,
              log,
            }),
          }),
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
