/** `letters evaluate`: an ONNX model on a dataset, on one runtime or both. */
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { checkOutput, writeFileAtomic } from '@letters/contract/node';
import { Classifier, compareEvaluations, evaluateClassifier, runtimePackage, type Evaluation } from '@letters/inference';
import { confusionMatrixChart, loadDataset, progressBar, terminalTable, writeChart } from '@letters/training';
import { command, printJson } from '../command.ts';
import { classifierCliOptions, onnxModelArgument, positiveInteger, runtimesOf } from '../options.ts';
import { dataDirOption, datasetList, datasetOption } from '../training-options.ts';

const percent = (x: number) => (Number.isNaN(x) ? '' : `${(100 * x).toFixed(2)}%`);

export const evaluate = command(
  (y) =>
    y
      .positional('model', onnxModelArgument)
      .option('runtime', { choices: ['node', 'web', 'both'] as const, default: 'node' as const, describe: 'onnxruntime-node, onnxruntime-web (wasm) or both, compared' })
      .option('dataset', { ...datasetOption('Dataset whose split is evaluated, e.g. byclass-letters'), demandOption: true })
      .option('data-dir', dataDirOption)
      .option('split', { choices: ['train', 'validation', 'test'] as const, default: 'test' as const })
      .option('limit', { type: 'number', describe: 'At most this many images (seeded, stratified)' })
      .option('out', { type: 'string', describe: 'Directory for evaluation.json and confusion-<runtime>.png/.svg' })
      .options(classifierCliOptions)
      .example('$0 evaluate models/tuned.onnx --dataset byclass-letters --runtime both --out reports/tuned', '')
      .epilogue(datasetList()),
  async (args) => {
    const batchSize = positiveInteger('batch-size', args.batchSize)!;
    const threads = args.threads;
    if (args.out !== undefined) await checkOutput(args.out, { kind: 'collection' }, { option: '--out', inputs: [args.model] });
    const splits = await loadDataset(args.dataset, { dataDir: args.dataDir, limit: positiveInteger('limit', args.limit) });
    const set = splits[args.split];
    if (set.count === 0) throw new LettersError(`--split ${args.split}: dataset ${args.dataset} has no images in it`);

    const evaluations: Evaluation[] = [];
    for (const runtime of runtimesOf(args.runtime)) {
      const classifier = await Classifier.create(args.model, { runtime, threads, maxBatch: batchSize });
      try {
        if (classifier.classes !== set.numClasses) {
          throw new LettersError(
            `${args.model}: the model has ${classifier.classes} outputs, dataset ${args.dataset} has ${set.numClasses} classes; evaluate it on a matching dataset`,
          );
        }
        const bar = progressBar({ label: `evaluate ${runtime}`, total: set.count, unit: 'images', quiet: args.quiet || args.json });
        let shown = 0;
        const evaluation = await evaluateClassifier(classifier, set, {
          batchSize,
          onProgress: (done) => {
            bar.tick(done - shown);
            shown = done;
          },
        });
        bar.stop();
        evaluations.push(evaluation);
      } finally {
        await classifier.close();
      }
    }

    const agreement = evaluations.length === 2 ? compareEvaluations(evaluations[0]!, evaluations[1]!) : undefined;
    const report = {
      model: args.model,
      dataset: { ...splits.source, split: args.split, count: set.count },
      evaluations,
      ...(agreement ? { agreement } : {}),
    };
    if (args.out) {
      // The charts first: evaluation.json, written last, says the output is complete.
      for (const evaluation of evaluations) {
        const chart = await confusionMatrixChart(evaluation.confusion, evaluation.labels, {
          title: `${args.dataset} ${args.split}: ${runtimePackage(evaluation.runtime)}, accuracy ${percent(evaluation.accuracy)}`,
        });
        await writeChart(chart, join(args.out, `confusion-${evaluation.runtime}`));
      }
      await writeFileAtomic(join(args.out, 'evaluation.json'), `${JSON.stringify(report, null, 2)}\n`);
    }
    if (args.json) {
      printJson(report);
      return;
    }
    const lines = [
      `${args.model} on ${args.dataset} ${args.split} (${set.count} images${splits.source.synthetic ? ', synthetic' : ''})`,
      terminalTable(evaluations, [
        { header: 'runtime', value: (e) => runtimePackage(e.runtime) },
        { header: 'accuracy', value: (e) => percent(e.accuracy), align: 'right' },
        { header: 'loss', value: (e) => e.loss, align: 'right' },
        { header: 'images/s', value: (e) => Math.round(e.imagesPerSecond), align: 'right' },
      ]),
      terminalTable(evaluations[0]!.perClass, [
        { header: 'class', value: (c) => c.label },
        { header: 'precision', value: (c) => percent(c.precision), align: 'right' },
        { header: 'recall', value: (c) => percent(c.recall), align: 'right' },
        { header: 'images', value: (c) => c.support, align: 'right' },
      ]),
    ];
    if (agreement) {
      lines.push(
        `runtimes agree: |accuracy difference| ${agreement.accuracy.toExponential(1)}, |loss difference| ` +
          `${agreement.loss.toExponential(1)}, confusion cells that differ: ${agreement.confusionCells}`,
      );
    }
    if (args.out) lines.push(`wrote ${join(args.out, 'evaluation.json')} and confusion-<runtime>.png/.svg`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
);
