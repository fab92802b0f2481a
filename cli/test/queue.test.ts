import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModel, DENSE_MODEL, saveModel, type TransferReport, type TuneReport } from '@letters/training';
import { QUEUE_NAME, type QueueJob, type QueueJobResult } from '../src/queue/run-queue.ts';
import { letters, LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket.end() !== undefined));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on port ${port}`);
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly log: string[];
  readonly exited: Promise<void>;
}

/** A `letters worker` in its own process, its stderr collected; `onLine` sees each line as it arrives. */
function startWorker(url: string, onLine: (worker: WorkerProcess, line: string) => void): WorkerProcess {
  const child = spawn(process.execPath, [LETTERS_BIN, 'worker', '--queue', url, '--lock-seconds', '5', ...BACKEND], { stdio: ['ignore', 'ignore', 'pipe'] });
  const worker = { child, log: [] as string[], exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter((l) => l !== '')) {
      worker.log.push(line);
      onLine(worker, line);
    }
  });
  return worker;
}

const waitFor = async (what: string, condition: () => boolean, seconds = 240) => {
  for (let waited = 0; !condition(); waited += 0.1) {
    if (waited > seconds) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * Two workers; the first to start a job is killed as it starts training, so that job must finish
 * on the other. `killed` is filled in once that happened.
 */
function twoWorkersOneKilled(url: string, workers: WorkerProcess[]): { killed?: { worker: WorkerProcess; job: string } } {
  const state: { killed?: { worker: WorkerProcess; job: string } } = {};
  const killFirst = (worker: WorkerProcess, line: string) => {
    const started = /training \(job ([0-9a-f]{12})\)/.exec(line);
    if (started && state.killed === undefined) {
      worker.child.kill('SIGKILL');
      state.killed = { worker, job: started[1]! };
    }
  };
  workers.push(startWorker(url, killFirst), startWorker(url, killFirst));
  return state;
}

/** The table without its timings: everything a run on another machine must reproduce. */
const withoutTimes = (report: TuneReport) => report.rows.map(({ seconds: _seconds, ...row }) => row);

const BACKEND = ['--backend', 'wasm', '--threads', '1'];
const GRID = {
  base: 'dense',
  seeds: 2,
  convergence: { patience: 1, maxEpochs: 3 },
  settings: { denseUnits: [16], batchSize: 32 },
  variants: [{ name: 'adam', optimizer: 'adam' }, { name: 'tiny', denseUnits: [4] }],
};

describe('letters tune --queue and letters worker (BullMQ on a real Redis)', () => {
  let root: string;
  let url: string;
  let redis: ChildProcess;
  const workers: WorkerProcess[] = [];
  const openQueue = () => new Queue<QueueJob, QueueJobResult>(QUEUE_NAME, { connection: { host: '127.0.0.1', port: Number(new URL(url).port) } });
  const tuneArgs = (out: string) => ['tune', '--grid', join(root, 'grid.json'), '--dataset', 'fixtures', '--limit', '300', '--seed', '4', '--out', out, '--json', ...BACKEND];

  beforeAll(async () => {
    root = tempDir('queue');
    await writeFile(join(root, 'grid.json'), JSON.stringify(GRID));
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await listening(port);
    url = `redis://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    redis?.kill('SIGTERM');
  });

  it('trains every run once across two workers, one killed mid-run, and gives the local table; a rerun reuses the finished jobs', async () => {
    // The single-machine run, alongside: it shares nothing with the queue.
    const localRun = letters(tuneArgs(join(root, 'local')));

    const state = twoWorkersOneKilled(url, workers);
    const queued = letters(tuneArgs(join(root, 'queued')).concat('--queue', url));
    await waitFor('a worker to start a run', () => state.killed !== undefined);
    const killed = state.killed!;
    const victim = killed.worker;
    const survivor = workers.find((w) => w !== victim)!;
    await victim.exited;

    const [local, result] = await Promise.all([localRun, queued]);
    expect(local.code, local.stderr).toBe(0);
    const localReport = JSON.parse(local.stdout) as TuneReport;
    expect(result.code, `${result.stderr}\n${workers.map((w) => w.log.join('\n')).join('\n---\n')}`).toBe(0);
    const report = JSON.parse(result.stdout) as TuneReport;
    expect(withoutTimes(report)).toEqual(withoutTimes(localReport));
    expect(report.effects).toEqual(localReport.effects);
    expect(await readFile(join(root, 'queued', 'best', 'weights.bin'))).toEqual(await readFile(join(root, 'local', 'best', 'weights.bin')));

    // Every job completed exactly once, none failed; the killed worker's job was finished by the survivor.
    const queue = openQueue();
    try {
      const counts = await queue.getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
      expect(counts).toEqual({ completed: 6, failed: 0, active: 0, waiting: 0, delayed: 0 });
      const jobs = await queue.getJobs(['completed']);
      expect(jobs.every((j) => j.finishedOn !== undefined && j.returnvalue.kind === 'tune' && j.returnvalue.result.validation.count > 0)).toBe(true);
      const rescued = jobs.find((j) => j.id!.startsWith(killed.job))!;
      expect(rescued.returnvalue.worker.endsWith(`/${survivor.child.pid}`)).toBe(true);
      expect(victim.log.some((l) => l.includes('validation accuracy'))).toBe(false);
    } finally {
      await queue.close();
    }

    // No worker left: a rerun into a new folder takes every result from the finished jobs.
    survivor.child.kill('SIGTERM');
    await survivor.exited;
    const rerun = await letters(tuneArgs(join(root, 'rerun')).concat('--queue', url));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(withoutTimes(JSON.parse(rerun.stdout) as TuneReport)).toEqual(withoutTimes(localReport));
  }, 600_000);

  it("trains transfer's method x fold x seed jobs across two workers, one killed mid-job, and gives the local table", async () => {
    // An untrained 27-class model is base enough: the comparison is queue against local, run for run.
    await tf.setBackend('cpu');
    const model = buildModel({ ...DENSE_MODEL, denseUnits: [16] }, { numClasses: 27, seed: 3 });
    const base = join(root, 'base');
    await saveModel(model, base, { config: { ...DENSE_MODEL, denseUnits: [16] } });
    model.dispose();
    const transferArgs = (out: string) =>
      ['transfer', '--base', base, '--dataset', 'fixtures-alphadigits', '--methods', 'fine-tune,scratch', '--k', '2', '--seeds', '2', '--epochs', '1', '--seed', '5', '--out', out, '--json', ...BACKEND];
    const localRun = letters(transferArgs(join(root, 'transfer-local')));
    const transferWorkers: WorkerProcess[] = [];
    const state = twoWorkersOneKilled(url, transferWorkers);
    workers.push(...transferWorkers);
    const queued = letters(transferArgs(join(root, 'transfer-queued')).concat('--queue', url));
    await waitFor('a worker to start a transfer job', () => state.killed !== undefined);
    const killed = state.killed!;
    const survivor = transferWorkers.find((w) => w !== killed.worker)!;
    await killed.worker.exited;

    const [local, result] = await Promise.all([localRun, queued]);
    expect(local.code, local.stderr).toBe(0);
    expect(result.code, `${result.stderr}\n${transferWorkers.map((w) => w.log.join('\n')).join('\n---\n')}`).toBe(0);
    const [localReport, report] = [JSON.parse(local.stdout) as TransferReport, JSON.parse(result.stdout) as TransferReport];
    // Every figure: per-run accuracies [seed][fold], means, spreads, intervals and confusion matrices.
    expect(report.rows).toEqual(localReport.rows);
    expect(report.rows.map((r) => r.runs.flat().length)).toEqual([4, 4]);
    expect(report.final.test).toEqual(localReport.final.test);

    const queue = openQueue();
    try {
      const jobs = (await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'])).filter((j) => j.data.kind === 'transfer');
      // 2 methods x 2 folds x 2 seeds, each completed once; the killed worker's job finished on the survivor.
      expect(jobs.map((j) => j.finishedOn !== undefined && j.failedReason === undefined)).toEqual(new Array(8).fill(true));
      expect(new Set(jobs.map((j) => j.id)).size).toBe(8);
      const rescued = jobs.find((j) => j.id!.startsWith(killed.job))!;
      expect(rescued.returnvalue.worker.endsWith(`/${survivor.child.pid}`)).toBe(true);
      expect(killed.worker.log.some((l) => l.includes('held-out accuracy'))).toBe(false);
    } finally {
      await queue.close();
    }
    survivor.child.kill('SIGTERM');
    await survivor.exited;
  }, 600_000);

  it('refuses an address that is not redis://host:port, before any work', async () => {
    const bad = await letters(['worker', '--queue', 'http://127.0.0.1:1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toBe('letters: --queue http://127.0.0.1:1: use redis://host:port');
  });
});
