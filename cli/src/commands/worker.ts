/** `letters worker`: trains the runs that `letters tune --queue`, `letters transfer --queue` (or the pipeline) put on a Redis queue. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTrainStep,
  DEFAULT_FIXTURES_DIR,
  describeBackend,
  FIXTURE_FILES,
  foldLabel,
  initBackend,
  loadDataset,
  loadTransferData,
  planRuns,
  resolveDataDir,
  trainFoldRun,
  trainRun,
  tuningSample,
  type DatasetSplits,
  type ImageSet,
} from '@letters/training';
import { UnrecoverableError, Worker } from 'bullmq';
import { command, informer } from '../command.ts';
import { positiveNumber } from '../options.ts';
import {
  BASE_PREFIX,
  connectQueue,
  packModel,
  parseQueueUrl,
  QUEUE_NAME,
  type DataReference,
  type FoldJob,
  type FoldJobResult,
  type QueueJob,
  type QueueJobResult,
  type RunJob,
  type RunJobResult,
  type TransferDataReference,
} from '../queue/run-queue.ts';
import { backendOptions, dataDirOption } from '../training-options.ts';
import { untilStopped } from '../until-stopped.ts';

export const worker = command(
  (cli) =>
    cli
      .option('queue', { type: 'string', demandOption: true, describe: 'Redis address of the queue: redis://host:port' })
      .option('data-dir', { ...dataDirOption, describe: `${dataDirOption.describe}: the same datasets as the machine that queued the runs` })
      .option('lock-seconds', {
        type: 'number',
        default: 30,
        describe: 'A job whose worker has not renewed its lock for this long (killed, machine gone) goes back to the queue',
      })
      .options(backendOptions)
      .example('$0 worker --queue redis://10.0.0.5:6379 --data-dir ../shared/data', 'train queued tuning and transfer runs until stopped (Ctrl-C)'),
  async (args) => {
    const log = informer(args);
    const connection = parseQueueUrl(args.queue);
    const backend = await initBackend({ backend: args.backend, threads: args.threads });
    log(describeBackend(backend));
    const name = `${hostname()}/${process.pid}`;
    const datasets = new Map<string, Promise<DatasetSplits>>();
    const loadSplits = async (ref: DataReference): Promise<DatasetSplits> => {
      const key = JSON.stringify([ref.dataset, ref.seed, ref.limit, ref.images]);
      if (!datasets.has(key)) {
        datasets.set(key, loadDataset(ref.dataset, { dataDir: args.dataDir, seed: ref.seed, limit: ref.limit }).then((data) => tuningSample(data, ref.images)));
      }
      const data = await datasets.get(key)!;
      if (data.source.hash !== ref.hash) {
        // Another machine's data would make a different experiment: never train it under this job's id.
        throw new UnrecoverableError(`${name}: dataset ${ref.dataset} here has sha256 ${data.source.hash.slice(0, 12)}, the queued run wants ${ref.hash.slice(0, 12)}; give this worker the same data (--data-dir)`);
      }
      return data;
    };

    const transferSets = new Map<string, ReturnType<typeof loadTransferData>>();
    const loadTransfer = async (ref: TransferDataReference): Promise<ImageSet> => {
      const path = ref.dataset === 'fixtures-alphadigits' ? join(DEFAULT_FIXTURES_DIR, FIXTURE_FILES.alphaDigits) : resolveDataDir(args.dataDir);
      if (!transferSets.has(path)) transferSets.set(path, loadTransferData(path));
      const { set, splits } = await transferSets.get(path)!;
      if (splits.source.hash !== ref.hash) {
        throw new UnrecoverableError(`${name}: ${ref.dataset} here has sha256 ${splits.source.hash.slice(0, 12)}, the queued run wants ${ref.hash.slice(0, 12)}; give this worker the same data (--data-dir)`);
      }
      return set;
    };

    const scratch = await mkdtemp(join(tmpdir(), 'letters-worker-'));
    const lockDuration = positiveNumber('lock-seconds', args.lockSeconds)! * 1000;
    const tune = async (job: RunJob): Promise<RunJobResult> => {
      const data = await loadSplits(job.data);
      const dir = await mkdtemp(join(scratch, 'run-'));
      try {
        const [run] = planRuns([job.config], [job.seed], data, dir);
        const result = await trainRun(run!, { data, createTrainStep, quiet: args.quiet || args.json });
        log(`${job.variant}, seed ${job.seed}: validation accuracy ${result.validation.accuracy.toFixed(4)}`);
        return { kind: 'tune', result, files: await packModel(run!.dir), worker: name };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    // Base models by their key, each written once into this worker's scratch folder.
    const bases = new Map<string, Promise<string>>();
    const baseDir = (key: string): Promise<string> => {
      if (!bases.has(key)) {
        const fetched = (async () => {
          const packed = await (await consumer.getBackend().client).get(key);
          if (packed === null) throw new UnrecoverableError(`${name}: the base model ${key} is not in Redis; queue the transfer again`);
          const dir = join(scratch, key.slice(BASE_PREFIX.length));
          await mkdir(dir);
          for (const [file, base64] of Object.entries(JSON.parse(packed) as Record<string, string>)) await writeFile(join(dir, file), Buffer.from(base64, 'base64'));
          return dir;
        })();
        bases.set(key, fetched);
        fetched.catch(() => bases.delete(key));
      }
      return bases.get(key)!;
    };
    const transfer = async (job: FoldJob): Promise<FoldJobResult> => {
      const set = await loadTransfer(job.data);
      const run = { ...job.run, baseDir: await baseDir(job.base) };
      const result = await trainFoldRun(set, run, createTrainStep);
      log(`${foldLabel(run)}: held-out accuracy ${result.accuracy.toFixed(4)}`);
      return { kind: 'transfer', result, worker: name };
    };

    const consumer = new Worker<QueueJob, QueueJobResult>(
      QUEUE_NAME,
      async (job) => {
        const what = job.data.kind === 'transfer' ? foldLabel(job.data.run) : `${job.data.variant}, seed ${job.data.seed}`;
        log(`${what}: training (job ${job.id!.slice(0, 12)})`);
        return job.data.kind === 'transfer' ? transfer(job.data) : tune(job.data);
      },
      // One run at a time (training uses the cores); the lock is renewed at half its duration while a job trains.
      { connection, concurrency: 1, lockDuration, stalledInterval: Math.max(500, lockDuration / 2), maxStalledCount: 2, autorun: false },
    );
    consumer.on('failed', (job, error) => process.stderr.write(`letters worker: job ${job?.id?.slice(0, 12) ?? ''} failed: ${error.message}\n`));
    await connectQueue(consumer.waitUntilReady(), args.queue);
    log(`worker ${name}: waiting for runs on ${args.queue} (${QUEUE_NAME})`);
    void consumer.run();
    await untilStopped();
    await consumer.close();
    await rm(scratch, { recursive: true, force: true });
  },
);
