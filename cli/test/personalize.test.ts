import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Classifier } from '@letters/inference';
import { readPersonalization, sha256Hex } from '@letters/export/personalize';
import { EXIT_CODES } from '../src/exit-codes.ts';
import { letters } from '../../test-support/letters-cli.ts';
import { PERSONAL_LETTERS, writePersonalImages } from '../../test-support/personal-style.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { trainFixtureModel } from '../../web-demo/test/helpers/model.ts';

let dir: string;
let base: string;

/** Accuracy of a model on `<dir>/<letter>/*.png`, on onnxruntime-node. */
async function folderAccuracy(model: string, folder: string): Promise<number> {
  const files: string[] = [];
  const labels: string[] = [];
  for (const letter of await readdir(folder)) {
    for (const file of await readdir(join(folder, letter))) {
      files.push(join(folder, letter, file));
      labels.push(letter);
    }
  }
  const classifier = await Classifier.create(model, { runtime: 'node' });
  try {
    return (await classifier.classify(files)).filter((p, i) => p.label === labels[i]).length / files.length;
  } finally {
    await classifier.close();
  }
}

beforeAll(async () => {
  dir = tempDir('personalize');
  base = await trainFixtureModel(inject('fixtures'), dir, 'base', 10);
  await writePersonalImages(join(dir, 'samples'), PERSONAL_LETTERS, 5, 1);
  await writePersonalImages(join(dir, 'held-out'), PERSONAL_LETTERS, 10, 2);
});

describe('letters personalize', () => {
  it('learns a slanted hand from generated images of it and writes a personalized model atomically', async () => {
    const out = join(dir, 'out', 'mine.onnx');
    const result = await letters(['personalize', '--base', base, '--samples', join(dir, 'samples'), '-o', out, '--layers', 'all', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { accepted: boolean; trained: number; heldOut: number; accuracyBefore: number; accuracyAfter: number };
    expect(summary).toMatchObject({ accepted: true, trained: 4 * PERSONAL_LETTERS.length, heldOut: PERSONAL_LETTERS.length });
    expect(summary.accuracyAfter).toBeGreaterThanOrEqual(summary.accuracyBefore);
    expect(await readdir(join(dir, 'out'))).toEqual(['mine.onnx']);

    const bytes = new Uint8Array(await readFile(out));
    expect(readPersonalization(bytes)).toEqual({ samples: summary.trained, baseModel: 'base.onnx', baseModelHash: await sha256Hex(new Uint8Array(await readFile(base))) });
    const before = await folderAccuracy(base, join(dir, 'held-out'));
    const after = await folderAccuracy(out, join(dir, 'held-out'));
    // The issue's target: at least 20 points on held-out images of the same hand (the base trains in a seeded order).
    expect(after - before).toBeGreaterThanOrEqual(0.2);
    console.info(`personalize CLI: held-out ${(100 * before).toFixed(1)}% -> ${(100 * after).toFixed(1)}% (40 images)`);
  });

  it('refuses bad samples and options with one line naming the problem, and writes nothing', async () => {
    const bad = join(dir, 'bad');
    const out = join(dir, 'bad-out', 'mine.onnx');
    const run = (...args: string[]) => letters(['personalize', '--quiet', '--base', base, '-o', out, ...args]);
    const oneLine = (stderr: string) => {
      expect(stderr.trim().split('\n')).toHaveLength(1);
      return stderr.trim();
    };

    await mkdir(join(bad, 'A'), { recursive: true });
    await writePersonalImages(join(dir, 'two'), ['P'], 2, 3);
    const missing = await run('--samples', join(dir, 'nowhere'));
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(oneLine(missing.stderr)).toMatch(/--samples .*nowhere: cannot read the folder .*one subfolder per letter/);

    const few = await run('--samples', join(dir, 'two'));
    expect(few.code).toBe(EXIT_CODES.usage);
    expect(oneLine(few.stderr)).toBe('letters: too few drawings of P (2): draw at least 3 of each letter you teach');

    const empty = await run('--samples', bad);
    expect(empty.code).toBe(EXIT_CODES.usage);
    expect(oneLine(empty.stderr)).toBe('letters: no drawings of A: draw at least 3 of each letter you teach');

    await writeFile(join(bad, 'notes.txt'), 'hello');
    const stray = await run('--samples', bad);
    expect(oneLine(stray.stderr)).toMatch(/bad\/notes\.txt: not a letter folder; put each letter's images in a folder named by the letter/);
    await rm(join(bad, 'notes.txt'));

    const same = await letters(['personalize', '--quiet', '--base', base, '--samples', join(dir, 'samples'), '-o', base]);
    expect(same.code).toBe(EXIT_CODES.usage);
    expect(oneLine(same.stderr)).toMatch(/--out .*base\.onnx: the same file as --base/);

    await expect(readdir(join(dir, 'bad-out'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps the previous model when the fine-tune lowers accuracy on the held-out images', async () => {
    // Letters the base reads well, taught with a learning rate far too high: the weights are wrecked.
    const plain = join(dir, 'plain');
    await writePersonalImages(plain, PERSONAL_LETTERS, 8, 4, 0);
    const out = join(dir, 'worse.onnx');
    const result = await letters(['personalize', '--quiet', '--base', base, '--samples', plain, '-o', out, '--layers', 'all', '--learning-rate', '1', '--epochs', '10']);
    expect(result.code).toBe(EXIT_CODES.input);
    expect(result.stderr.trim()).toMatch(/^letters: .*plain: kept the previous model: the fine-tune (lowered accuracy on your 8 held-out drawings from \d+% to \d+%|diverged)/);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });
});
