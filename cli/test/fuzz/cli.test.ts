/**
 * Fuzz suite, through the built `letters` CLI: a few dozen of the generated hostile cases (cases.ts)
 * and hostile option values, each in its own process. Every run must exit with a documented error
 * code (exit-codes.ts), print one line on stderr naming the file or option and never "unexpected
 * error", not crash (no signal), not hang, stay under a peak memory bound, write nothing in its output
 * folder and leave its inputs unchanged.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../../src/exit-codes.ts';
import { LETTERS_BIN } from '../../../test-support/letters-cli.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { generateCases, hashTree, makeBases, MODEL_DIR, ONNX, writeCase, type FuzzCase, type Target } from './cases.ts';

const SEED = 13;
/** Peak resident memory of one `letters` process, bombs included: the bound. */
const PEAK_RSS_BYTES = 1024 * 1024 * 1024;
/** A run still going after this long hangs (a quick refusal takes a few seconds on a busy machine). */
const RUN_TIMEOUT_MS = 90_000;
/** Child processes at a time: the machine has 2 cores. */
const PARALLEL = 2;
/** Hostile files run per target (8 targets), besides the hostile options. */
const CASES_PER_TARGET = 3;
const ATTACKS = /bomb|declar|dev\/zero|FIFO|nested|500,000|claims|0xFFFF|units 1e9|no images|784x1/;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  readonly name: string;
  /** Inputs the run reads (a folder hashed before and after). */
  readonly inputs: string;
  readonly out: string;
  readonly args: readonly string[];
  /** What the one stderr line must name. */
  readonly names: string;
  /** Exit codes allowed: by default the input and usage codes. */
  readonly codes?: readonly number[];
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly peakRssBytes: number | undefined;
  readonly timedOut: boolean;
}

/** Runs the CLI with a preload that records the process's peak RSS (getrusage) when it exits. */
function runCli(args: readonly string[], cwd: string, rssFile: string, preload: string): Promise<Outcome> {
  return new Promise((resolve) => {
    // In the (empty) output folder: a default output path (runs/...) would show there.
    // --quiet: no information lines, so stderr holds the error alone.
    const child = spawn(process.execPath, ['--import', preload, LETTERS_BIN, ...args, '--quiet'], {
      cwd,
      env: { ...process.env, LETTERS_FUZZ_RSS_FILE: rssFile, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let peakRssBytes: number | undefined;
      try {
        peakRssBytes = Number(readFileSync(rssFile, 'utf8')) * 1024;
      } catch {
        peakRssBytes = undefined;
      }
      resolve({ code, signal, stderr, peakRssBytes, timedOut });
    });
  });
}

/** The command that reads a case's target, with the case's files as input. */
function commandFor(target: Target, dir: string, out: string, onnx: string, images: string): string[] {
  switch (target) {
    case 'letters-sample':
      return ['data', 'inspect', '--dataset', 'letters-sample', '--data-dir', dir, '--out', out];
    case 'emnist-zip':
      // The ByClass members of gzip.zip, read in place (loaders.test.ts also runs `data fetch --from` on every zip).
      return ['data', 'inspect', '--dataset', 'byclass-letters', '--data-dir', dir, '--out', out];
    case 'npz':
      return ['train', '--model', 'dense', '--dataset', 'binaryalphadigits-npz', '--data-dir', dir, '--epochs', '1', '--out', join(out, 'm')];
    case 'mat':
      return ['evaluate', onnx, '--dataset', 'binaryalphadigits-mat', '--data-dir', dir, '--out', out];
    case 'png':
    case 'jpeg':
      // With a valid image beside: score goes on past unreadable files and reports them.
      return ['score', dir, images, '--model', onnx, '--out', join(out, 'scores.csv')];
    case 'onnx':
      return ['score', images, '--model', join(dir, ONNX), '--out', join(out, 'scores.csv')];
    case 'model':
      return ['export', join(dir, MODEL_DIR), '-o', join(out, 'm.onnx')];
  }
}

let runs: Run[] = [];
let preload = '';
let scratch = '';

beforeAll(async () => {
  scratch = tempDir('fuzz-cli');
  const bases = await makeBases(repoRoot, scratch);
  const valid = join(scratch, 'valid');
  mkdirSync(join(valid, 'images'), { recursive: true });
  writeFileSync(join(valid, ONNX), bases.onnx);
  writeFileSync(join(valid, 'images', 'a.png'), bases.png);
  preload = join(scratch, 'record-rss.mjs');
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.LETTERS_FUZZ_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  // The attacks that cost memory or time when mishandled (bombs, lying sizes, devices, deep nesting),
  // up to CASES_PER_TARGET of each target: a process each is seconds on a busy machine.
  const all = generateCases(bases, SEED, 0);
  const picked: FuzzCase[] = [...new Set(all.map((c) => c.target))].flatMap((target) =>
    all.filter((c) => c.target === target && ATTACKS.test(c.what)).slice(0, CASES_PER_TARGET),
  );
  runs = picked.map((c) => {
    const dir = join(scratch, c.id, 'in');
    const out = join(scratch, c.id, 'out');
    writeCase(c, dir);
    mkdirSync(out, { recursive: true });
    // score goes on past unreadable images (exit code partial) and writes the rows of the others.
    const codes = c.target === 'png' || c.target === 'jpeg' ? [EXIT_CODES.partial, EXIT_CODES.usage] : undefined;
    return { name: `${c.id} (${c.what})`, inputs: dir, out, args: commandFor(c.target, dir, out, join(valid, ONNX), join(valid, 'images')), names: dir, codes };
  });
  const options: [string, string[], string][] = [
    ['data inspect --count -3', ['data', 'inspect', '--dataset', 'fixtures', '--count', '-3'], '--count'],
    ['data inspect --count abc', ['data', 'inspect', '--dataset', 'fixtures', '--count', 'abc'], '--count'],
    ['data inspect --dataset ../../etc/passwd', ['data', 'inspect', '--dataset', '../../etc/passwd'], '--dataset'],
    ['data inspect --data-dir /dev/zero', ['data', 'inspect', '--dataset', 'letters-sample', '--data-dir', '/dev/zero'], '/dev/zero'],
    ['evaluate --limit -1', ['evaluate', join(valid, ONNX), '--dataset', 'fixtures', '--limit', '-1'], '--limit'],
    ['evaluate --batch-size 0', ['evaluate', join(valid, ONNX), '--dataset', 'fixtures', '--batch-size', '0'], '--batch-size'],
    ['score --top-k 0', ['score', join(valid, 'images'), '--model', join(valid, ONNX), '--top-k', '0'], '--top-k'],
    ['score --max-bytes NaN', ['score', join(valid, 'images'), '--model', join(valid, ONNX), '--max-bytes', 'NaN'], '--max-bytes'],
    ['score --model /dev/zero', ['score', join(valid, 'images'), '--model', '/dev/zero'], '/dev/zero'],
    ['inspect /dev/zero', ['inspect', '/dev/zero'], '/dev/zero'],
    ['train --limit 0', ['train', '--model', 'dense', '--dataset', 'fixtures', '--limit', '0'], '--limit'],
    ['train --model x.json -> /dev/zero', ['train', '--model', join(scratch, 'zero.json'), '--dataset', 'fixtures'], 'zero.json'],
  ];
  symlinkSync('/dev/zero', join(scratch, 'zero.json'));
  for (const [name, args, names] of options) {
    const out = join(scratch, `option-${runs.length}`);
    mkdirSync(out);
    runs.push({ name: `option ${name}`, inputs: join(valid), out, args, names });
  }
}, 300_000);

describe('fuzz: the letters CLI on hostile files and options', () => {
  test('every run is refused with a documented exit code and one line, within the memory bound, writing nothing', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(30);
    const problems: string[] = [];
    let peak = 0;
    const queue = [...runs];
    const worker = async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        const before = hashTree(run.inputs);
        const outcome = await runCli(run.args, run.out, `${run.out}.rss`, preload);
        const codes = run.codes ?? [EXIT_CODES.input, EXIT_CODES.usage];
        const lines = outcome.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('WARNING:'));
        const where = `${run.name}: letters ${run.args.join(' ')}`;
        if (outcome.timedOut) problems.push(`${where}: no exit within ${RUN_TIMEOUT_MS / 1000} s`);
        else if (outcome.signal !== null) problems.push(`${where}: killed by ${outcome.signal}`);
        else if (!codes.includes(outcome.code ?? -1)) problems.push(`${where}: exit code ${outcome.code}, expected ${codes.join(' or ')}; stderr ${JSON.stringify(outcome.stderr)}`);
        const errors = lines.filter((line) => line.startsWith('letters: '));
        const partial = outcome.code === EXIT_CODES.partial;
        // A partial run reports each failed file on a line of its own, then scores the rest.
        if (!outcome.timedOut && !partial && (errors.length !== 1 || lines.length !== 1)) problems.push(`${where}: stderr is not one line: ${JSON.stringify(outcome.stderr)}`);
        if (outcome.stderr.includes('unexpected error')) problems.push(`${where}: ${JSON.stringify(outcome.stderr)}`);
        if (!lines.some((line) => line.includes(run.names))) problems.push(`${where}: the message does not name ${run.names}: ${JSON.stringify(outcome.stderr)}`);
        if (outcome.peakRssBytes === undefined && !outcome.timedOut) problems.push(`${where}: no peak memory recorded (the process did not exit normally)`);
        if ((outcome.peakRssBytes ?? 0) > PEAK_RSS_BYTES) problems.push(`${where}: peak memory ${((outcome.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MB`);
        peak = Math.max(peak, outcome.peakRssBytes ?? 0);
        if (!partial && readdirSync(run.out).length > 0) problems.push(`${where}: wrote ${readdirSync(run.out).join(', ')} in its output folder`);
        if (JSON.stringify(hashTree(run.inputs)) !== JSON.stringify(before)) problems.push(`${where}: an input changed`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(problems).toEqual([]);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(PEAK_RSS_BYTES);
  }, 900_000);
});
