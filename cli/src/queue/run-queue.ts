/**
 * The study's trainings as jobs on a BullMQ queue in Redis: `letters tune --queue` (and the
 * pipeline's tune stage) enqueues one job per variant and seed, `letters transfer --queue` (and the
 * pipeline's transfer stage) one per method, fold and seed; `letters worker` on any machine trains them.
 *
 * Each job's id is a hash of everything its result depends on (config, data, seed; for transfer
 * also the base model's bytes), so enqueueing the same run again finds the job already there: a
 * rerun reuses finished jobs, and only failed ones are retried. A tuning job's model travels back
 * in its return value and transfer's base model goes out once, under its hash, the files as
 * base64: workers and the enqueuing machine share nothing but Redis (no shared file system to set
 * up), and models of this study are at most a few MB.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { writeDirAtomic } from '@letters/contract/node';
import { foldLabel, type ExperimentConfig, type ExperimentResult, type FoldResult, type FoldRun, type GridRun, type RunFolds, type RunGridRuns } from '@letters/training';
import { Queue, QueueEvents, type ConnectionOptions, type Job } from 'bullmq';

/** The queue every `letters` client and worker of one Redis share. */
export const QUEUE_NAME = 'letters-runs';

/** How a worker finds the same data the client tuned on: a registered dataset, loaded with the same options, checked by hash. */
export interface DataReference {
  readonly dataset: string;
  readonly seed: number;
  readonly limit?: number;
  /** Tuning on a sample of this many training images (a budget's plan; see tuningSample). */
  readonly images?: number;
  /** The hash of the client's splits; a worker whose data differs refuses the job. */
  readonly hash: string;
}

/** A tuning run: one variant of the grid with one seed. */
export interface RunJob {
  readonly kind: 'tune';
  readonly variant: string;
  readonly config: ExperimentConfig;
  readonly seed: number;
  readonly data: DataReference;
}

export interface RunJobResult {
  readonly kind: 'tune';
  readonly result: ExperimentResult;
  /** The model directory, file name -> base64 contents. */
  readonly files: Readonly<Record<string, string>>;
  /** Which worker trained it (host and process), for the log. */
  readonly worker: string;
}

/** The Binary AlphaDigits a transfer job trains on: the real file in the worker's --data-dir, or the generated one; checked by hash. */
export interface TransferDataReference {
  readonly dataset: 'binaryalphadigits' | 'fixtures-alphadigits';
  readonly hash: string;
}

/** A transfer training: one method on one fold with one seed; the base model is fetched by its hash. */
export interface FoldJob {
  readonly kind: 'transfer';
  readonly run: Omit<FoldRun, 'baseDir'>;
  /** The key of the base model's files in Redis (BASE_PREFIX + sha256 of the files). */
  readonly base: string;
  readonly data: TransferDataReference;
}

export interface FoldJobResult {
  readonly kind: 'transfer';
  readonly result: FoldResult;
  readonly worker: string;
}

export type QueueJob = RunJob | FoldJob;
export type QueueJobResult = RunJobResult | FoldJobResult;

/** Where base models wait for transfer workers: a Redis string of the model's files, base64, as JSON. */
export const BASE_PREFIX = 'letters:base-model:';

/** `redis://host:port` (optionally with a database number, /2) as BullMQ's connection options; a clear error otherwise. */
export function parseQueueUrl(value: string): ConnectionOptions {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LettersError(`--queue ${value}: not a URL; use redis://host:port`, { kind: 'usage' });
  }
  if (url.protocol !== 'redis:' || url.hostname === '') throw new LettersError(`--queue ${value}: use redis://host:port`, { kind: 'usage' });
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new LettersError(`--queue ${value}: the path must be a database number, e.g. redis://host:6379/0`, { kind: 'usage' });
  return {
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db === '' ? {} : { db: Number(db) }),
    // BullMQ's workers and event listeners block on Redis; they must wait, not fail, while it restarts.
    maxRetriesPerRequest: null,
  };
}

/** Waits for Redis, or says where it was looked for: ioredis would otherwise retry silently forever. */
export async function connectQueue(ready: Promise<unknown>, url: string, seconds = 15): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new LettersError(`--queue: no Redis answered at ${url} within ${seconds} s; start redis-server there or fix the address`)), seconds * 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The job id of a run: the same config, data and seed always give the same id. */
export function jobId(run: GridRun): string {
  return createHash('sha256').update(run.fingerprint).digest('hex');
}

/** The model directory's files (those `keep` accepts), for a job's return value or a base model in Redis. */
export async function packModel(dir: string, keep: (name: string) => boolean = () => true): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter(keep)) files[name] = (await readFile(join(dir, name))).toString('base64');
  return files;
}

interface Enqueued<R> {
  readonly name: string;
  readonly id: string;
  readonly data: QueueJob;
  /** Said in the log when it finishes, e.g. "adam, seed 43". */
  readonly label: string;
  /** Takes the job's return value (writes what it carries) and gives the result. */
  readonly finish: (returned: QueueJobResult) => Promise<R>;
}

/**
 * Enqueues jobs (a finished job with the same id is reused, a failed one retried), waits for all of
 * them, and returns their results in order. `prepare` runs once Redis answers, before any job is added.
 */
async function runOnQueue<R>(
  url: string,
  what: string,
  jobs: readonly Enqueued<R>[],
  log: (line: string) => void,
  prepare?: (queue: Queue<QueueJob, QueueJobResult>) => Promise<void>,
): Promise<R[]> {
  if (jobs.length === 0) return [];
  const connection = parseQueueUrl(url);
  const queue = new Queue<QueueJob, QueueJobResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await connectQueue(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), url);
    await prepare?.(queue);
    const added: Job<QueueJob, QueueJobResult>[] = [];
    for (const job of jobs) {
      // Kept after completion: a rerun finds it by id. Two attempts: a worker's crash (not a stall) is retried once.
      const one = await queue.add(job.name, job.data, { jobId: job.id, removeOnComplete: false, removeOnFail: false, attempts: 2 });
      if ((await one.getState()) === 'failed') await one.retry();
      added.push(one);
    }
    log(`queued ${jobs.length} ${what} run${jobs.length === 1 ? '' : 's'} on ${QUEUE_NAME}; waiting for workers (letters worker --queue ...)`);
    let done = 0;
    return await Promise.all(
      jobs.map(async (job, i) => {
        let returned: QueueJobResult;
        try {
          returned = await added[i]!.waitUntilFinished(events);
        } catch (error) {
          throw new LettersError(`${what} run ${job.label} failed on a worker: ${(error as Error).message}`, { cause: error });
        }
        const result = await job.finish(returned);
        log(`${what} run ${++done}/${jobs.length} done: ${job.label} (${returned.worker})`);
        return result;
      }),
    );
  } finally {
    await events.close();
    await queue.close();
  }
}

/** Tuning's runs through the queue; each model directory is written where a local run would write it. */
export function queueRuns(options: {
  /** redis://host:port */
  readonly url: string;
  readonly data: Omit<DataReference, 'hash'>;
  readonly dataHash: string;
  readonly log: (line: string) => void;
}): RunGridRuns {
  const data: DataReference = { ...options.data, hash: options.dataHash };
  return (runs) =>
    runOnQueue(
      options.url,
      'tuning',
      runs.map((run) => ({
        name: run.variant,
        id: jobId(run),
        data: { kind: 'tune', variant: run.variant, config: run.config, seed: run.seed, data },
        label: `${run.variant}, seed ${run.seed}`,
        finish: async (returned) => {
          const { files, result } = returned as RunJobResult;
          await writeDirAtomic(run.dir, 'model', async (tmp) => {
            for (const [name, base64] of Object.entries(files)) await writeFile(join(tmp, name), Buffer.from(base64, 'base64'));
          });
          return result;
        },
      })),
      options.log,
    );
}

/** The Redis key of a model's packed files: the same files, the same key. */
export function baseKey(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return `${BASE_PREFIX}${hash.digest('hex')}`;
}

/** Transfer's fold trainings through the queue; the base model goes to Redis once, under its hash. */
export function queueFolds(options: { readonly url: string; readonly dataset: TransferDataReference['dataset']; readonly log: (line: string) => void }): RunFolds {
  return async (runs) => {
    const packed = new Map<string, Record<string, string>>();
    // Only what loading the model reads: history and timings beside it would make the same weights a new base.
    const loaded = (name: string) => name === 'model.json' || name.endsWith('.bin');
    for (const run of runs) if (!packed.has(run.baseDir)) packed.set(run.baseDir, await packModel(run.baseDir, loaded));
    const keys = new Map([...packed].map(([dir, files]) => [dir, baseKey(files)]));
    return runOnQueue(
      options.url,
      'transfer',
      runs.map((run) => {
        const { baseDir, ...rest } = run;
        const data: FoldJob = { kind: 'transfer', run: rest, base: keys.get(baseDir)!, data: { dataset: options.dataset, hash: run.dataHash } };
        return {
          name: `transfer ${run.plan.method}`,
          id: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
          data,
          label: foldLabel(run),
          finish: async (returned) => (returned as FoldJobResult).result,
        };
      }),
      options.log,
      async (queue) => {
        const client = await queue.getBackend().client;
        for (const [dir, files] of packed) await client.set(keys.get(dir)!, JSON.stringify(files));
      },
    );
  };
}
