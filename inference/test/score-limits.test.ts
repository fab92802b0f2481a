/** What bounds scoring: regular files only, a memory budget for concurrent decodes, each error on its own file, the output contract. */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '@letters/export';
import { Classifier, decodeImage, scoreFiles } from '@letters/inference';
import { decodeCost } from '../src/classifier/decode.ts';
import { MemoryBudget } from '../src/score/memory-budget.ts';
import { testModel } from '../../test-support/models.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

describe('MemoryBudget', () => {
  it('keeps the cost of the jobs running together within its capacity; a larger job (or Infinity) runs alone', async () => {
    const budget = new MemoryBudget(100);
    const running: number[] = [];
    const overlaps: number[][] = [];
    const job = (cost: number) =>
      budget.run(cost, async () => {
        running.push(cost);
        overlaps.push([...running]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running.splice(running.indexOf(cost), 1);
      });
    await Promise.all([40, 40, 40, 250, 30, 60, Infinity, 10, 50].map(job));
    expect(overlaps).toHaveLength(9);
    for (const together of overlaps) {
      if (together.some((c) => c > 100)) expect(together).toHaveLength(1);
      else expect(together.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100);
    }
    expect(overlaps.some((together) => together.length > 1)).toBe(true);
  });
});

describe('decoding for score', () => {
  it('refuses a device and a FIFO before reading (neither ends nor blocks)', async () => {
    const dir = tempDir('score-limits');
    spawnSync('mkfifo', [join(dir, 'pipe.png')]);
    await expect(decodeImage(join(dir, 'pipe.png'))).rejects.toThrow('pipe.png: cannot read the image (a FIFO, not a regular file)');
    await expect(decodeImage('/dev/zero')).rejects.toThrow('/dev/zero: cannot read the image (not a regular file)');
  });

  it('costs a 16-bit image by its header: twice the samples of an 8-bit one, plus the 8-bit output', async () => {
    const image = sharp({ create: { width: 1000, height: 800, channels: 3, background: '#888' } });
    const png16 = await image.clone().png().toColourspace('rgb16').toBuffer();
    const png8 = await image.clone().png().toBuffer();
    expect(await decodeCost(png16)).toBe(png16.length + 1000 * 800 * 3 * 3);
    expect(await decodeCost(png8)).toBe(png8.length + 1000 * 800 * 3 * 2);
  });

  it('gives each broken file its own error, decoding many at a time', async () => {
    const dir = tempDir('score-limits');
    const base = sharp({ create: { width: 300, height: 300, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });
    const png = await base.clone().png().toBuffer();
    const jpeg = await base.clone().jpeg().toBuffer();
    const files: string[] = [];
    for (let i = 0; i < 6; i++) {
      files.push(join(dir, `${i}.png`), join(dir, `${i}.jpg`));
      await writeFile(files.at(-2)!, png.subarray(0, png.length >> 1));
      await writeFile(files.at(-1)!, jpeg.subarray(0, jpeg.length >> 1));
    }
    const classifier = await Classifier.create((await testModel('dense')).onnx);
    const errors = new Map<string, string>();
    for await (const result of scoreFiles(classifier, files, { concurrency: 12 })) errors.set(result.file, result.error ?? '');
    await classifier.close();
    for (const file of files) {
      const error = errors.get(file)!;
      expect(error.startsWith(`${file}: cannot read the image`)).toBe(true);
      expect(error).not.toMatch(file.endsWith('.png') ? /jpe?g/i : /png/i);
    }
  });
});

describe('the output contract at load', () => {
  it('refuses a model whose output has no [N, classes] shape, naming the file', async () => {
    const { onnx } = await testModel('dense');
    const model = decodeModel(onnx);
    delete model.graph.output[0]!.type!.tensorType!.shape;
    const path = join(tempDir('score-limits'), 'shapeless.onnx');
    await writeFile(path, encodeModel(model));
    await expect(Classifier.create(path)).rejects.toThrow(`${path}: the output's shape is [], not [N, classes]`);
  });
});
