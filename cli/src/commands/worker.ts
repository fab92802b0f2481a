/** `letters worker`: trains the grid's runs that `letters tune --queue` (or the pipeline) put on a Redis queue. */
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTrainStep,
  describeBackend,
  initBackend,
  loadDataset,
  planRuns,
  trainRun,
  type DatasetSplits,
} from '@letters/training';
import { UnrecoverableError, Worker } from 'bullmq';
import { command, informer } from '../command.ts';
import { positiveNumber } from '../options.ts';
import { connectQueue, packModel, parseQueueUrl, QUEUE_NAME, type DataReference, type RunJob, type RunJobResult } from '../queue/run-queue.ts';
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
      .example('$0 worker --queue redis://10.0.0.5:6379 --data-dir ../shared/data', 'train queued runs until stopped (Ctrl-C)'),
  async (args) => {
    const log = informer(args);
    const connection = parseQueueUrl(args.queue);
    const backend = await initBackend({ backend: args.backend, threads: args.threads });
    log(describeBackend(backend));
    const name = `${hostname()}/${process.pid}`;
    const datasets = new Map<string, Promise<DatasetSplits>>();
    const load = async (ref: DataReference): Promise<DatasetSplits> => {
      const key = JSON.stringify([ref.dataset, ref.seed, ref.limit]);
      if (!datasets.has(key)) datasets.set(key, loadDataset(ref.dataset, { dataDir: args.dataDir, seed: ref.seed, limit: ref.limit }));
      const data = await datasets.get(key)!;
      if (data.source.hash !== ref.hash) {
        // Another machine's data would make a different experiment: never train it under this job's id.
        throw new UnrecoverableError(`${name}: dataset ${ref.dataset} here has sha256 ${data.source.hash.slice(0, 12)}, the queued run wants ${ref.hash.slice(0, 12)}; give this worker the same data (--data-dir)`);
      }
      return data;
    };

    const lockDuration = positiveNumber('lock-seconds', args.lockSeconds)! * 1000;
    const consumer = new Worker<RunJob, RunJobResult>(
      QUEUE_NAME,
      async (job) => {
        const data = await load(job.data.data);
        const scratch = await mkdtemp(join(tmpdir(), 'letters-worker-'));
        try {
          const [run] = planRuns([job.data.config], [job.data.seed], data, scratch);
          log(`${job.data.variant}, seed ${job.data.seed}: training (job ${job.id!.slice(0, 12)})`);
          const result = await trainRun(run!, { data, createTrainStep, quiet: args.quiet || args.json });
          log(`${job.data.variant}, seed ${job.data.seed}: validation accuracy ${result.validation.accuracy.toFixed(4)}`);
          return { result, files: await packModel(run!.dir), worker: name };
        } finally {
          await rm(scratch, { recursive: true, force: true });
        }
      },
      // One run at a time (training uses the cores); the lock is renewed at half its duration while a job trains.
      { connection, concurrency: 1, lockDuration, stalledInterval: Math.max(500, lockDuration / 2), maxStalledCount: 2, autorun: false },
    );
    consumer.on('failed', (job, error) => process.stderr.write(`letters worker: ${job?.data.variant ?? 'a job'} failed: ${error.message}\n`));
    await connectQueue(consumer.waitUntilReady(), args.queue);
    log(`worker ${name}: waiting for runs on ${args.queue} (${QUEUE_NAME})`);
    void consumer.run();
    await untilStopped();
    await consumer.close();
  },
);
