/** The `letters data` commands through the real CLI: what a user types and sees. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, inject, test } from 'vitest';
import { LETTERS_FILES } from '@letters/training';
import { letters as run } from '../../test-support/letters-cli.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const shared = inject('sharedData');
/** The command's stdout; a failure fails the test with its stderr. */
async function letters(...args: string[]): Promise<string> {
  const result = await run(args);
  if (result.code !== 0) throw new Error(`letters ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return result.stdout;
}

test('data fetch --from a folder of the four .gz files, then data inspect of emnist-letters (--json)', async () => {
  const from = tempDir('cli-from');
  const sample = (kind: string) => readFileSync(join(shared, 'emnist-letters', `emnist-letters-train-sample-${kind}-ubyte.gz`));
  // The real Letters train sample stands in for both official splits.
  LETTERS_FILES.forEach((name, i) => writeFileSync(join(from, name), sample(i % 2 === 0 ? 'images-idx3' : 'labels-idx1')));
  const dataDir = join(tempDir('cli-data'), 'data');

  const fetched = JSON.parse(await letters('data', 'fetch', '--from', from, '--data-dir', dataDir, '--json'));
  expect(fetched).toMatchObject({ origin: 'local', trainImages: 3536, testImages: 3536 });
  expect(fetched.files.every((file: string) => existsSync(file))).toBe(true);
  expect(await letters('data', 'fetch', '--data-dir', dataDir)).toMatch(/^EMNIST Letters: 3536 train and 3536 test images \(already present\)/);

  const out = join(dataDir, '..', 'inspect');
  const inspected = JSON.parse(await letters('data', 'inspect', '--data-dir', dataDir, '--out', out, '--count', '30', '--json'));
  expect(inspected.png).toBe(join(out, 'emnist-letters-samples.png'));
  expect(inspected.shown).toBe(30);
  expect(inspected.source).toMatchObject({ name: 'emnist-letters', synthetic: false });
  // Validation is held out of train; test is the official test file.
  const counts = (split: string) => inspected.classCounts.reduce((n: number, c: { perSplit: Record<string, number> }) => n + c.perSplit[split], 0);
  expect(counts('train') + counts('validation')).toBe(3536);
  expect(counts('test')).toBe(3536);
  expect((await sharp(inspected.png).metadata()).format).toBe('png');
});

test('data inspect prints the class counts table and where the grid went', async () => {
  const out = tempDir('cli-inspect');
  const text = await letters('data', 'inspect', '--dataset', 'binaryalphadigits-mat', '--data-dir', shared, '--out', out, '--count', '16');
  expect(text).toMatch(/^Binary AlphaDigits letters \(mat\) at 28x28, split here: \d+ train, \d+ validation, \d+ test images/);
  // One row per letter, 39 of each in total.
  expect(text.match(/│ [A-Z] +│.*│ +39 │/g)).toHaveLength(26);
  expect(text).toContain(`wrote ${join(out, 'binaryalphadigits-mat-samples.png')} (16 random images with their labels)`);
});
