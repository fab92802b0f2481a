/**
 * Training throughput: images/s and seconds per 124,800-image epoch (the EMNIST Letters train
 * split) for the toolkit's models on each available backend.
 *
 *   npm run bench:train [-- --json] [-- --markdown] [-- --runs 5] [-- --batches 10] [-- --threads 1,2] [-- --models convnet]
 *     [-- --backends wasm,onnxruntime,onnxruntime-web] [-- --python /path/to/venv/bin/python]
 *
 * Every variant is measured `runs` times, interleaved (run 1 of every variant, then run 2, ...)
 * so that load from other processes spreads over all variants alike; the table shows medians.
 * The cpu backend gets one run of two batches of 16: it trains a convnet at about 2 images/s.
 * With --python (an interpreter with torch), PyTorch's CPU training of the same models
 * (bench/pytorch-train.py) is measured in the same rounds, one process per round.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LettersError, markdownTable, progressBar, terminalTable, type Column } from '../src/common/index.ts';
import { createTrainStep, describeBackend, initBackend, trainStepThreads, type BackendInfo, type TrainStep } from '../src/engine/index.ts';
import { createOptimizer } from '../src/fit/index.ts';
import { buildModel, CONVNET_MODEL, DENSE_MODEL, type ModelConfig } from '../src/models/index.ts';

const epochImages = 124_800;
const batchSize = 128;
/** The cpu backend is measured on two small batches only: a convnet batch of 128 takes a minute. */
const cpuBatchSize = 16;

const models: Record<string, ModelConfig> = {
  dense: DENSE_MODEL,
  convnet: CONVNET_MODEL,
  'convnet + batchnorm': { ...CONVNET_MODEL, batchNorm: 'beforeActivation' },
  'wide convnet': { ...CONVNET_MODEL, filters: [64, 128, 128], denseUnits: [128] },
};

export interface BenchRow {
  model: string;
  backend: string;
  threads: number;
  imagesPerSecond: number;
  secondsPerEpoch: number;
  /** CPU time (all threads of this process) per image: unlike images/s, barely affected by other processes. */
  cpuMicrosecondsPerImage: number;
}

const args = yargs(hideBin(process.argv))
  .option('json', { type: 'boolean', default: false, describe: 'Print JSON rows on stdout' })
  .option('markdown', { type: 'boolean', default: false, describe: 'Print a Markdown table (for the README)' })
  .option('runs', { type: 'number', default: 5, describe: 'Measurements per variant (median reported)' })
  .option('batches', { type: 'number', default: 6, describe: 'Batches of 128 per measurement' })
  .option('threads', { type: 'string', default: '1,2', describe: 'wasm thread counts to measure' })
  .option('cpu', { type: 'boolean', default: true, describe: 'Include the (very slow) cpu backend' })
  .option('models', { type: 'string', default: Object.keys(models).join(','), describe: 'Models to measure, comma-separated' })
  .option('backends', { type: 'string', default: 'wasm,onnxruntime,onnxruntime-web', describe: 'Backends to measure besides cpu, comma-separated' })
  .option('python', { type: 'string', describe: 'A Python with torch: adds PyTorch CPU rows (bench/pytorch-train.py)' })
  .strict()
  .parseSync();

/** A synthetic batch: throughput does not depend on pixel values. */
function randomBatch(size: number, height = 28, width = 28) {
  const images = new Float32Array(size * height * width);
  for (let i = 0; i < images.length; i++) images[i] = Math.random();
  const labels = Int32Array.from({ length: size }, (_, i) => 1 + (i % 26));
  return { images, labels, size, height, width };
}

interface Variant {
  model: string;
  backend: Pick<BackendInfo, 'name'> | { name: 'pytorch' };
  /** Threads the step really uses (dense networks stay on one on wasm; see trainStepThreads). */
  threads: number;
  /** None for PyTorch's rows, which its own process measures. */
  step?: TrainStep;
  samples: Sample[];
}

interface Sample {
  imagesPerSecond: number;
  cpuMicrosecondsPerImage: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function measure(step: TrainStep, batches: number, size = batchSize): Promise<Sample> {
  const batch = randomBatch(size);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < batches; i++) await step.run(batch);
  const cpu = process.cpuUsage(cpuStart);
  const images = batches * size;
  return { imagesPerSecond: images / ((performance.now() - start) / 1000), cpuMicrosecondsPerImage: (cpu.user + cpu.system) / images };
}

async function makeVariant(model: string, backendInfo: BackendInfo, warmUpSize = batchSize): Promise<Variant> {
  const built = buildModel(models[model]!, { numClasses: 27, seed: 1 });
  const step = createTrainStep(built, createOptimizer({ name: 'rmsprop', learningRate: 0.001 }));
  await measure(step, 1, warmUpSize); // warm-up: worker start, XNNPACK operators, optimizer slots
  return { model, backend: { name: backendInfo.name }, threads: trainStepThreads(built), step, samples: [] };
}

const log = (line: string) => {
  if (!args.json) console.error(line);
};

const threadCounts = args.threads.split(',').map(Number);
const benchModels = args.models.split(',');
for (const model of benchModels) {
  if (!(model in models)) throw new LettersError(`--models: unknown model '${model}'; expected some of ${Object.keys(models).join(', ')}.`);
}
const variants: Variant[] = [];
const backends = args.backends.split(',') as ('wasm' | 'onnxruntime' | 'onnxruntime-web')[];
for (const name of backends) {
  if (!['wasm', 'onnxruntime', 'onnxruntime-web'].includes(name)) throw new LettersError(`--backends: unknown backend '${name}'; expected some of wasm, onnxruntime, onnxruntime-web.`);
  // onnxruntime-web's wasm module takes its thread count once per process: measured at the first count only.
  for (const threads of name === 'onnxruntime-web' ? threadCounts.slice(0, 1) : threadCounts) {
    const backend = await initBackend({ backend: name, threads });
    log(describeBackend(backend));
    for (const model of benchModels) {
      const variant = await makeVariant(model, backend);
      // A model that stays on one thread is measured once, with threads 1.
      if (!variants.some((v) => v.model === model && v.backend.name === name && v.threads === variant.threads)) variants.push(variant);
      else variant.step!.dispose();
    }
  }
}
const pytorch = args.python === undefined ? [] : benchModels.flatMap((model) => threadCounts.map((threads): Variant => ({ model, backend: { name: 'pytorch' }, threads, samples: [] })));
let pytorchVersion = '';
if (args.python === undefined) log('PyTorch: not measured (pass --python with an interpreter that has torch)');

/** One PyTorch round: every model and thread count, in a fresh process (bench/pytorch-train.py). */
function measurePytorch(): void {
  const script = new URL('./pytorch-train.py', import.meta.url).pathname;
  const run = spawnSync(args.python!, [script, '--models', benchModels.join(','), '--threads', threadCounts.join(','), '--batches', String(args.batches)], { encoding: 'utf8' });
  if (run.status !== 0) throw new LettersError(`--python ${args.python}: ${script} failed (${run.error?.message ?? run.stderr.trim().split('\n').at(-1)})`);
  const result = JSON.parse(run.stdout) as { version: string; rows: ({ model: string; threads: number } & Sample)[] };
  pytorchVersion = result.version;
  for (const row of result.rows) pytorch.find((v) => v.model === row.model && v.threads === row.threads)!.samples.push(row);
}

const progress = progressBar({ label: 'bench:train', total: args.runs * (variants.length + (pytorch.length > 0 ? 1 : 0)), unit: 'runs', quiet: args.json });
for (let run = 0; run < args.runs; run++) {
  for (const variant of variants) {
    variant.samples.push(await measure(variant.step!, args.batches));
    progress.tick(1, { model: variant.model, threads: variant.threads });
  }
  if (pytorch.length > 0) {
    measurePytorch();
    progress.tick(1, { model: 'pytorch' });
  }
}
progress.stop();
for (const variant of variants) variant.step!.dispose();
variants.push(...pytorch);
if (pytorchVersion) log(`pytorch: torch ${pytorchVersion} (CPU), same models, batch ${batchSize}, RMSprop`);

if (args.cpu) {
  const backend = await initBackend({ backend: 'cpu' });
  log(describeBackend(backend));
  for (const model of benchModels) {
    const variant = await makeVariant(model, backend, cpuBatchSize);
    variant.samples.push(await measure(variant.step!, 2, cpuBatchSize));
    variant.step!.dispose();
    variants.push(variant);
  }
}

const rows: BenchRow[] = variants.map((v) => {
  const rate = median(v.samples.map((s) => s.imagesPerSecond));
  return {
    model: v.model,
    backend: v.backend.name,
    threads: v.threads,
    imagesPerSecond: Math.round(rate),
    secondsPerEpoch: Math.round(epochImages / rate),
    cpuMicrosecondsPerImage: Math.round(median(v.samples.map((s) => s.cpuMicrosecondsPerImage))),
  };
});

if (args.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const columns: Column<BenchRow>[] = [
    { header: 'model', value: (r) => r.model },
    { header: 'backend', value: (r) => r.backend },
    { header: 'threads', value: (r) => r.threads, align: 'right' },
    { header: 'images/s', value: (r) => r.imagesPerSecond, align: 'right' },
    { header: 's/epoch (124,800)', value: (r) => r.secondsPerEpoch, align: 'right' },
    { header: 'CPU µs/image', value: (r) => r.cpuMicrosecondsPerImage, align: 'right' },
  ];
  console.log(args.markdown ? markdownTable(rows, columns) : terminalTable(rows, columns));
  console.log(
    `median of ${args.runs} interleaved runs of ${args.batches} batches of ${batchSize} (cpu: one run of 2 batches of ${cpuBatchSize}); ` +
      `load average at the end ${loadavg()[0]!.toFixed(1)} on this machine's shared cores.`,
  );
}
process.exit(0);
