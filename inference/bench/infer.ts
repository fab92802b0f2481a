/**
 * Inference throughput of Chollet's convnet (random weights, exported to ONNX) on every runtime,
 * and the end-to-end paths users run:
 *
 *   npm run bench:infer [-- --json] [-- --markdown] [-- --runs 5] [-- --images 10240] [-- --files 2000]
 *
 * - raw sessions: onnxruntime-node at batch 1 and 256, onnxruntime-web in Node with 1 and 2 threads
 *   (each thread count in its own child process: onnxruntime-web fixes it per process), tfjs wasm predict;
 * - `evaluate` end to end (uint8 dataset images -> Classifier -> metrics) against the raw
 *   onnxruntime-node session at the same batch size, as a ratio (target >= 0.8);
 * - `score` end to end over a directory of PNG files (find, read, decode, preprocess,
 *   classify, format CSV rows), in process, without Node's start-up (target >= 2,000 files/s).
 *
 * Variants are measured `runs` times, interleaved, so load from other processes spreads over all of
 * them alike; the table shows medians and the load average.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { exportToOnnx } from '@letters/export';
import {
  buildModel,
  CONVNET_MODEL,
  initBackend,
  markdownTable,
  terminalTable,
  type Column,
  type ImageSet,
} from '@letters/training';
import { Classifier, evaluateClassifier, modelImages, scoreFiles } from '@letters/inference';
import { createSession } from '../src/adapters/index.ts';
// `letters score` end to end: the CLI's file search and row format.
import { findImageFiles } from '../../cli/src/score/find-files.ts';
import { formatRow } from '../../cli/src/score/rows.ts';

const args = yargs(hideBin(process.argv))
  .option('json', { type: 'boolean', default: false, describe: 'Print JSON rows on stdout' })
  .option('markdown', { type: 'boolean', default: false, describe: 'Print a Markdown table (for the README)' })
  .option('runs', { type: 'number', default: 5, describe: 'Measurements per variant (median reported)' })
  .option('images', { type: 'number', default: 10240, describe: 'Images per batched measurement' })
  .option('files', { type: 'number', default: 2000, describe: 'PNG files for the score measurement' })
  .option('web-child', { type: 'number', hidden: true, describe: 'Internal: measure onnxruntime-web with this many threads' })
  .option('model', { type: 'string', hidden: true })
  .strict()
  .parseSync();

interface Row {
  variant: string;
  batch: number;
  imagesPerSecond: number;
  /** Process CPU time (all threads) per image: unlike images/s, barely affected by other processes' load. */
  cpuMicrosPerImage: number;
  note: string;
}

/** One measurement: wall-clock rate and CPU time per image. */
interface Sample {
  rate: number;
  cpu: number;
}

/** Runs `work` (which processes `count` items and returns the count) and measures both. */
async function sample(work: () => Promise<number>): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const count = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: count / seconds, cpu: (cpu.user + cpu.system) / count };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Seeded images in [0, 1] as the dataset would give them (uint8 / 255): speed does not depend on pixels. */
function syntheticSet(count: number): ImageSet {
  const images = new Uint8Array(count * 784);
  let state = 12345;
  for (let i = 0; i < images.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    images[i] = state >>> 24 > 200 ? 255 : 0;
  }
  const labels = Uint8Array.from({ length: count }, (_, i) => 1 + (i % 26));
  return { images, labels, count, height: 28, width: 28, numClasses: 27, classNames: LETTER_CLASS_NAMES };
}

/** A raw session run over `images` in batches of `batch`. */
function rawSession(run: (x: Float32Array, n: number) => Promise<unknown>, images: Float32Array, batch: number): Promise<Sample> {
  return sample(async () => {
    const count = images.length / 784;
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      await run(images.subarray(start * 784, (start + n) * 784), n);
    }
    return count;
  });
}

const medianSample = (samples: Sample[]): Sample => ({ rate: median(samples.map((s) => s.rate)), cpu: median(samples.map((s) => s.cpu)) });

/** Child process: onnxruntime-web with a given thread count; prints `[batch 1, batch 256]` median samples. */
async function webChild(model: string, threads: number): Promise<void> {
  const session = await createSession('web', new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(model))), model, { threads });
  const images = modelImages({ data: syntheticSet(args.images).images, count: args.images });
  const run = (x: Float32Array, n: number) => session.run(x, n);
  await rawSession(run, images.subarray(0, 256 * 784), 256);
  const one: Sample[] = [];
  const big: Sample[] = [];
  for (let r = 0; r < args.runs; r++) {
    one.push(await rawSession(run, images.subarray(0, 500 * 784), 1));
    big.push(await rawSession(run, images, 256));
  }
  await session.release();
  process.stdout.write(JSON.stringify([medianSample(one), medianSample(big)]));
}

async function writePngs(dir: string, set: ImageSet, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const k = i % set.count;
    const pixels = Buffer.from(set.images.subarray(k * 784, (k + 1) * 784).map((v) => 255 - v));
    await writeFile(join(dir, `${i}.png`), await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer());
  }
}

async function main(): Promise<void> {
  if (args.webChild !== undefined) return webChild(args.model!, args.webChild);
  const work = await mkdtemp(join(tmpdir(), 'letters-bench-infer-'));
  try {
    await initBackend({ backend: 'wasm', threads: 1 });
    const tfjsModel = buildModel(CONVNET_MODEL, { numClasses: 27, seed: 1 });
    const { onnx } = await exportToOnnx(tfjsModel, { labels: LETTER_CLASS_NAMES });
    const modelPath = join(work, 'convnet.onnx');
    await writeFile(modelPath, onnx);
    const set = syntheticSet(args.images);
    const floats = modelImages({ data: set.images, count: set.count });
    const pngDir = join(work, 'png');
    await writePngs(pngDir, set, args.files);

    const native = await createSession('node', onnx, modelPath);
    const nativeRun = (x: Float32Array, n: number) => native.run(x, n);
    const classifier = await Classifier.create(onnx, { maxBatch: 256 });
    const tfjsPredict = async (x: Float32Array, n: number) =>
      tf.tidy(() => (tfjsModel.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor).dataSync());
    const nullRow = (file: string, prediction: Parameters<typeof formatRow>[2]) => formatRow('csv', file, prediction).length;

    const measures: Record<string, () => Promise<Sample>> = {
      'onnxruntime-node batch 1': () => rawSession(nativeRun, floats.subarray(0, 1000 * 784), 1),
      'onnxruntime-node batch 256': () => rawSession(nativeRun, floats, 256),
      'tfjs wasm predict batch 256': () => rawSession(tfjsPredict, floats.subarray(0, 2048 * 784), 256),
      'evaluate end to end (onnxruntime-node)': () =>
        sample(async () => (await evaluateClassifier(classifier, set, { batchSize: 256 })).count),
      'score end to end (PNG files, onnxruntime-node)': () =>
        sample(async () => {
          const { files } = await findImageFiles([pngDir]);
          let bytes = 0;
          for await (const result of scoreFiles(classifier, files, { batchSize: 256, concurrency: 16 })) {
            if (result.prediction) bytes += nullRow(result.file, result.prediction);
          }
          if (bytes === 0) throw new Error('score produced no rows');
          return files.length;
        }),
    };
    const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
    for (const measure of Object.values(measures)) await measure(); // warm-up
    for (let r = 0; r < args.runs; r++) {
      for (const [name, measure] of Object.entries(measures)) samples[name]!.push(await measure());
    }
    await native.release();
    await classifier.close();

    const web: Record<number, Sample[]> = {};
    for (const threads of [1, 2]) {
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import', 'tsx', import.meta.filename, '--web-child', String(threads), '--model', modelPath,
        '--runs', String(args.runs), '--images', String(Math.min(args.images, 4096)),
      ]);
      web[threads] = JSON.parse(stdout) as Sample[];
    }

    const m = (name: string) => medianSample(samples[name]!);
    const row = (variant: string, batch: number, measured: Sample, note = ''): Row => ({
      variant,
      batch,
      imagesPerSecond: measured.rate,
      cpuMicrosPerImage: measured.cpu,
      note,
    });
    const rawNode = m('onnxruntime-node batch 256');
    const evaluate = m('evaluate end to end (onnxruntime-node)');
    const score = m('score end to end (PNG files, onnxruntime-node)');
    const rows: Row[] = [
      row('onnxruntime-node', 1, m('onnxruntime-node batch 1')),
      row('onnxruntime-node', 256, rawNode),
      row('onnxruntime-web (Node, 1 thread)', 1, web[1]![0]!),
      row('onnxruntime-web (Node, 1 thread)', 256, web[1]![1]!),
      row('onnxruntime-web (Node, 2 threads)', 1, web[2]![0]!),
      row('onnxruntime-web (Node, 2 threads)', 256, web[2]![1]!),
      row('tfjs wasm predict (1 thread)', 256, m('tfjs wasm predict batch 256')),
      row('evaluate end to end (onnxruntime-node)', 256, evaluate, `${(evaluate.rate / rawNode.rate).toFixed(2)} x raw session (target >= 0.80)`),
      row(`score end to end (${args.files} PNG files)`, 256, score, 'files/s, in process (target >= 2000)'),
    ];
    const load = loadavg()[0]!.toFixed(1);
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ model: 'convnet (Chollet), random weights', runs: args.runs, loadAverage: Number(load), rows }, null, 2)}\n`);
      return;
    }
    const columns: Column<Row>[] = [
      { header: 'variant', value: (r) => r.variant },
      { header: 'batch', value: (r) => r.batch, align: 'right' },
      { header: 'images/s', value: (r) => Math.round(r.imagesPerSecond), align: 'right' },
      { header: 'CPU µs/image', value: (r) => Math.round(r.cpuMicrosPerImage), align: 'right' },
      { header: '2-core bound/s', value: (r) => Math.round(2e6 / r.cpuMicrosPerImage), align: 'right' },
      { header: 'note', value: (r) => r.note },
    ];
    process.stdout.write(
      `Chollet convnet, random weights; median of ${args.runs} runs; load average ${load} on ${cpus().length} cores\n` +
        '2-core bound/s = 2 s of CPU per second / CPU time per image: the rate on two idle cores if the work spreads over both\n',
    );
    process.stdout.write(`${args.markdown ? markdownTable(rows, columns) : terminalTable(rows, columns)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
