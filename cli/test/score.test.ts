import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDataset } from '@letters/training';
import { Classifier, scoreFiles, type ScoreResult } from '@letters/inference';
import { EXIT_CODES } from '../src/exit-codes.ts';
import { findImageFiles } from '../src/score/find-files.ts';
import { LETTERS_BIN } from '../../test-support/letters-cli.ts';
import { testModel, type TestModel } from '../../test-support/models.ts';
import { writeImageFiles } from '../../test-support/image-files.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const run = promisify(execFile);

/** A PNG whose header claims `width` x `height` 8-bit gray pixels, with a tiny IDAT: a decompression bomb's shape. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND', Buffer.alloc(0))]);
}

describe('score', () => {
  let model: TestModel;
  let dir: string;
  let good: string[];
  const bad = ['notes.txt', 'truncated.png', 'empty.jpg', 'bomb.png', 'random.gif'];

  beforeAll(async () => {
    model = await testModel('convnet');
    dir = tempDir('score');
    const { test } = await loadDataset('letters-sample', { dataDir: inject('sharedData'), limit: 40 });
    good = await writeImageFiles(test, join(dir, 'images'), 40, 4);
    const png = await readFile(good[0]!);
    await writeFile(join(dir, 'images', 'notes.txt'), 'not an image\n');
    await writeFile(join(dir, 'images', 'truncated.png'), png.subarray(0, png.length >> 1));
    await writeFile(join(dir, 'images', 'empty.jpg'), '');
    // A PNG header claiming 100000 x 100000 pixels: the pixel limit must refuse it before decoding.
    const bomb = pngHeader(100_000, 100_000);
    await writeFile(join(dir, 'images', 'bomb.png'), bomb);
    await writeFile(join(dir, 'images', 'random.gif'), Buffer.from('GIF89a garbage that is not a gif'));
  });

  it('expands directories and globs into sorted unique files, and refuses names that match nothing', async () => {
    const images = join(dir, 'images');
    const { files, problems } = await findImageFiles([images, join(images, '*.jpg'), good[0]!]);
    expect(problems).toEqual([]);
    expect(files).toHaveLength(good.length + bad.length);
    expect(files).toEqual([...files].sort());
    await expect(findImageFiles([join(dir, 'missing')])).rejects.toThrow(/no such file or directory/);
    await expect(findImageFiles([join(dir, '*.webp')])).rejects.toThrow(/matches no files/);
  });

  it('scores good files like Classifier.classify and reports each bad file without stopping', async () => {
    const classifier = await Classifier.create(model.onnx, { maxBatch: 16 });
    const { files } = await findImageFiles([join(dir, 'images')]);
    const results: ScoreResult[] = [];
    for await (const result of scoreFiles(classifier, files, { batchSize: 16, concurrency: 4, topK: 3 })) results.push(result);
    expect(results.map((r) => r.file)).toEqual(files);
    const failed = results.filter((r) => r.error !== undefined);
    expect(failed.map((r) => r.file.split('/').pop()).sort()).toEqual([...bad].sort());
    expect(failed.find((r) => r.file.endsWith('bomb.png'))!.error).toMatch(/pixel/i);
    const direct = await classifier.classify(good, { topK: 3 });
    const scored = new Map(results.filter((r) => r.prediction).map((r) => [r.file, r.prediction]));
    good.forEach((file, i) => expect(scored.get(file)).toEqual(direct[i]));
    await classifier.close();
  });

  it('writes CSV atomically, lists the failures and exits 3 when some files failed', async () => {
    const out = join(dir, 'out', 'scores.csv');
    const failure = await run(process.execPath, [LETTERS_BIN, 'score', join(dir, 'images'), '--model', model.path, '--out', out, '--top-k', '2']).catch((e) => e);
    expect(failure.code).toBe(EXIT_CODES.partial);
    expect(failure.stderr).toMatch(new RegExp(`scored ${good.length} of ${good.length + bad.length} files`));
    for (const name of bad) expect(failure.stderr).toContain(`skipped ${join(dir, 'images', name)}`);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('file,label,probability,topK');
    expect(lines).toHaveLength(good.length + 1);
    expect(lines[1]).toMatch(/^\/.*\.png,[A-Z],0\.\d+,[A-Z]:0\.\d+ [A-Z]:0\.\d+$/);
    expect((await readdir(join(dir, 'out'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes JSONL to stdout and exits 0 when every file is scored', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      LETTERS_BIN, 'score', join(dir, 'images', '0*.jpg'), '--model', model.path, '--format', 'jsonl', '--runtime', 'web',
    ]);
    const rows = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toHaveLength(good.filter((f) => f.endsWith('.jpg')).length);
    expect(rows[0]).toMatchObject({ file: expect.stringMatching(/\.jpg$/), label: expect.any(String), probability: expect.any(Number) });
    expect(rows[0].topK).toHaveLength(5);
    expect(stderr).toMatch(/scored 10 of 10 files/);
  });

  it('fails with one line and no output file for a missing model', async () => {
    const out = join(dir, 'none.csv');
    const failure = await run(process.execPath, [LETTERS_BIN, 'score', good[0]!, '--model', join(dir, 'missing.onnx'), '--out', out]).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^letters: .*missing.onnx: cannot read the model/);
    await expect(readFile(out)).rejects.toThrow();
  });
});
