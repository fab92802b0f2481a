/**
 * The grid's runs as jobs on a BullMQ queue in Redis: `letters tune --queue` (and the pipeline's
 * tune stage) enqueues one job per variant and seed; `letters worker` on any machine trains them.
 *
 * Each job's id is a hash of everything its result depends on (config, data, seed), so enqueueing
 * the same run again finds the job already there: a rerun reuses finished jobs, and only failed
 * ones are retried. A job's result and its model travel back in the job's return value, the model
 * files as base64: workers and the enqueuing machine share nothing but Redis (no shared file
 * system to set up), and models of this study are at most a few MB.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { writeDirAtomic } from '@letters/contract/node';
import type { ExperimentConfig, ExperimentResult, GridRun, RunGridRuns } from '@letters/training';
import { Queue, QueueEvents, type ConnectionOptions, type Job } from 'bullmq';

/** The queue every `letters` client and worker of one Redis share. */
export const QUEUE_NAME = 'letters-runs';

/** How a worker finds the same data the client tuned on: a registered dataset, loaded with the same options, checked by hash. */
export interface DataReference {
  readonly dataset: string;
  readonly seed: number;
  readonly limit?: number;
  /** The hash of the client's splits; a worker whose data differs refuses the job. */
  readonly hash: string;
}

export interface RunJob {
  readonly variant: string;
  readonly config: ExperimentConfig;
  readonly seed: number;
  readonly data: DataReference;
}

export interface RunJobResult {
  readonly result: ExperimentResult;
  /** The model directory, file name -> base64 contents. */
  readonly files: Readonly<Record<string, string>>;
  /** Which worker trained it (host and process), for the log. */
  readonly worker: string;
}

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

/** The model directory's files, for a job's return value. */
export async function packModel(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[name] = (await readFile(join(dir, name))).toString('base64');
  return files;
}

/**
 * Runs through the queue: enqueues every run (a finished job with the same id is reused, a failed
 * one retried), waits for all of them, and writes each model directory where a local run would.
 */
export function queueRuns(options: {
  /** redis://host:port */
  readonly url: string;
  readonly data: Omit<DataReference, 'hash'>;
  readonly dataHash: string;
  readonly log: (line: string) => void;
}): RunGridRuns {
  return async (runs) => {
    if (runs.length === 0) return [];
    const connection = parseQueueUrl(options.url);
    const queue = new Queue<RunJob, RunJobResult>(QUEUE_NAME, { connection });
    const events = new QueueEvents(QUEUE_NAME, { connection });
    try {
      await connectQueue(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), options.url);
      const data: DataReference = { ...options.data, hash: options.dataHash };
      const jobs: Job<RunJob, RunJobResult>[] = [];
      for (const run of runs) {
        const job = await queue.add(
          run.variant,
          { variant: run.variant, config: run.config, seed: run.seed, data },
          // Kept after completion: a rerun finds it by id. Two attempts: a worker's crash (not a stall) is retried once.
          { jobId: jobId(run), removeOnComplete: false, removeOnFail: false, attempts: 2 },
        );
        if ((await job.getState()) === 'failed') await job.retry();
        jobs.push(job);
      }
      options.log(`queued ${runs.length} run${runs.length === 1 ? '' : 's'} on ${QUEUE_NAME}; waiting for workers (letters worker --queue ...)`);
      let done = 0;
      return await Promise.all(
        runs.map(async (run, i) => {
          let returned: RunJobResult;
          try {
            returned = (await jobs[i]!.waitUntilFinished(events)) as RunJobResult;
          } catch (error) {
            throw new LettersError(`run ${run.variant}, seed ${run.seed} failed on a worker: ${(error as Error).message}`, { cause: error });
          }
          await writeDirAtomic(run.dir, 'model', async (tmp) => {
            for (const [name, base64] of Object.entries(returned.files)) await writeFile(join(tmp, name), Buffer.from(base64, 'base64'));
          });
          options.log(`run ${++done}/${runs.length} done: ${run.variant}, seed ${run.seed} (${returned.worker})`);
          return returned.result;
        }),
      );
    } finally {
      await events.close();
      await queue.close();
    }
  };
}
