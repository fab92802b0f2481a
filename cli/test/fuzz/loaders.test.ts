/**
 * Fuzz suite, in process: every generated case (cases.ts) goes through the loader that reads it.
 * Each either loads or is refused with one LettersError that names the case's file, never another
 * error; no input changes; nothing is written; this process's peak memory stays under the bound.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { LettersError } from '@letters/contract';
import { inspectOnnxFile } from '@letters/export';
import { Classifier, decodeImage } from '@letters/inference';
import { fetchEmnist, loadDataset, loadModel } from '@letters/training';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { generateCases, hashTree, makeBases, MODEL_DIR, ONNX, writeCase, type FuzzCase, type Target } from './cases.ts';

/** The seed of the generator: a failure names its case id, which this seed reproduces. */
export const FUZZ_SEED = 13;
/** Random mutations per source file (10 sources): with the structural cases, over 300 cases. */
const MUTATIONS_PER_SOURCE = 24;
/** Peak resident memory this process may reach, bombs included (the bound is 1 GB). */
const PEAK_RSS_BYTES = 1024 * 1024 * 1024;
/** A case still loading after this long hangs. */
const CASE_TIMEOUT_MS = 30_000;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
let cases: FuzzCase[] = [];
let root = '';

beforeAll(async () => {
  root = tempDir('fuzz');
  cases = generateCases(await makeBases(repoRoot, root), FUZZ_SEED, MUTATIONS_PER_SOURCE);
});

/** Reads a case the way the toolkit's commands do. */
async function load(target: Target, dir: string, out: string): Promise<void> {
  switch (target) {
    case 'letters-sample':
      await loadDataset('letters-sample', { dataDir: dir });
      return;
    case 'emnist-zip':
      await loadDataset('byclass-letters', { dataDir: dir });
      await fetchEmnist({ dataDir: out, from: join(dir, 'gzip.zip'), quiet: true });
      return;
    case 'npz':
      await loadDataset('binaryalphadigits-npz', { dataDir: dir });
      return;
    case 'mat':
      await loadDataset('binaryalphadigits-mat', { dataDir: dir });
      return;
    case 'png':
    case 'jpeg':
      await decodeImage(join(dir, target === 'png' ? 'x.png' : 'x.jpg'));
      return;
    case 'onnx': {
      await inspectOnnxFile(join(dir, ONNX));
      const classifier = await Classifier.create(join(dir, ONNX));
      await classifier.close();
      return;
    }
    case 'model':
      (await loadModel(join(dir, MODEL_DIR))).dispose();
      return;
  }
}

describe('fuzz: loaders in process', () => {
  test(`at least 300 cases over every format, each loaded or refused with one line naming its file`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.target))).toEqual(new Set(['letters-sample', 'emnist-zip', 'npz', 'mat', 'png', 'jpeg', 'onnx', 'model']));
    const problems: string[] = [];
    let refused = 0;
    for (const c of cases) {
      const dir = join(root, c.id, 'in');
      const out = join(root, c.id, 'out');
      mkdirSync(out, { recursive: true });
      writeCase(c, dir);
      const before = hashTree(dir);
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CASE_TIMEOUT_MS / 1000} s`)), CASE_TIMEOUT_MS);
      });
      const error = await Promise.race([load(c.target, dir, out), hang]).then(
        () => undefined,
        (e: unknown) => e,
      );
      clearTimeout(timer);
      const where = `${c.id} (${c.what})`;
      if (error === undefined) {
        if (c.invalid) problems.push(`${where}: loaded, but it was built to be refused`);
      } else {
        refused++;
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof LettersError)) problems.push(`${where}: ${(error as Error).name ?? 'throw'} instead of a LettersError: ${message}`);
        else if (message.includes('\n')) problems.push(`${where}: a message of several lines: ${JSON.stringify(message)}`);
        else if (!message.includes(dir)) problems.push(`${where}: the message does not name the file: ${message}`);
      }
      if (JSON.stringify(hashTree(dir)) !== JSON.stringify(before)) problems.push(`${where}: the input changed`);
      // fetch writes the Letters files only from a valid archive.
      if (readdirSync(out).length > 0 && error !== undefined) problems.push(`${where}: refused, but wrote ${readdirSync(out).join(', ')}`);
    }
    expect(problems).toEqual([]);
    // The structural cases are refused; most random mutations are too.
    expect(refused).toBeGreaterThan(cases.filter((c) => c.invalid).length);
    expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(PEAK_RSS_BYTES);
  }, 600_000);
});
