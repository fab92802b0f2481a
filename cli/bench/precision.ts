/**
 * `npm run bench:precision -- <model.onnx> [dataset] [images]`: the README's precision table. Quantizes
 * the float32 model to fp16 and int8 (calibrated on the dataset's training images, verified on its test
 * split), then runs every precision on every runtime (onnxruntime-node, onnxruntime-web wasm in Node,
 * Chromium wasm and WebGPU) over the same real test images, and prints the table as Markdown.
 * Latencies are one run's (cold: load + first prediction; warm: median of 10 single-image predictions).
 */
import { join, dirname, basename } from 'node:path';
import { markdownTable, loadDataset, stratifiedSample } from '@letters/training';
import { modelImages } from '@letters/inference';
import { notRunLines, RUNTIME_COLUMNS } from '../src/parity/runtime-columns.ts';
import { runtimeTable } from '../src/parity/runtime-table.ts';
import { quantizeModelFile } from '../src/quantize-model-file.ts';

const [model, dataset = 'byclass-letters', images = '1000'] = process.argv.slice(2);
if (!model) throw new Error('usage: npm run bench:precision -- <model.onnx> [dataset] [images]');
const dataDir = process.env.LETTERS_DATA_DIR ?? join(process.cwd(), '..', 'shared', 'data');
const files = [model];
for (const to of ['fp16', 'int8'] as const) {
  const out = join(dirname(model), basename(model).replace(/\.onnx$/, `.${to}.onnx`));
  const report = await quantizeModelFile(model, out, { to, dataset, dataDir });
  console.error(`${to}: ${(100 * report.sizeRatio).toFixed(1)}% of the file, ${report.check.accuracyLoss.toFixed(2)} points lost, ` +
    `${(100 * report.check.argmaxAgreement).toFixed(2)}% agreement on ${report.check.count} test images (onnxruntime-node)`);
  files.push(out);
}
const { test } = await loadDataset(dataset, { dataDir });
const set = stratifiedSample(test, Number(images), 1);
const rows = await runtimeTable(
  files,
  { images: modelImages({ data: set.images, count: set.count }), count: set.count, labels: set.labels, description: `${set.count} ${dataset} test images` },
  { browser: true },
);
console.log(`${set.count} ${dataset} test images\n\n${markdownTable(rows, RUNTIME_COLUMNS)}\n${notRunLines(rows).map((l) => `\n- ${l}`).join('')}`);
