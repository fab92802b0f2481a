import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LettersError } from '../../src/common/index.ts';
import { initBackend } from '../../src/engine/index.ts';
import { runTransfer, type TransferOptions } from '../../src/transfer/index.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { savedModel } from './helpers.ts';

const npz = join(inject('sharedData'), 'binaryalphadigits', 'binaryalphadigits.npz');

/** Runs a transfer that must fail before training: the error, and no output folder at all. */
async function failure(options: Partial<TransferOptions>): Promise<LettersError> {
  const out = join(tempDir('transfer-out'), 'run');
  const error = await runTransfer({ base: await savedModel(), data: npz, out, epochs: 1, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LettersError);
  expect(existsSync(out)).toBe(false);
  return error as LettersError;
}

describe('letters transfer refuses bad input before any training', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });


  it('a base model whose input is not 28x28x1', async () => {
    const base = await savedModel(undefined, { height: 32, width: 32 });
    const error = await failure({ base });
    expect(error.message).toContain(`--base ${base}`);
    expect(error.message).toMatch(/input is \[null, 32, 32, 1\].*28x28x1/);
  });

  it('a base model whose output is not the 27 Letters classes', async () => {
    const base = await savedModel(undefined, { numClasses: 10 });
    const error = await failure({ base });
    expect(error.message).toMatch(/output is \[null, 10\].*27 Letters classes/);
  });

  it('a base model directory that does not exist', async () => {
    const error = await failure({ base: '/nonexistent/model' });
    expect(error.message).toContain('/nonexistent/model');
  });

  it('k larger than the smallest class (39 images per letter)', async () => {
    const error = await failure({ k: 40 });
    expect(error.message).toMatch(/^--k 40 for .*binaryalphadigits.npz: .*k = 40 is larger than the smallest class .* 39 images/);
  });

  it('an unreadable data file', async () => {
    const garbage = join(tempDir('transfer-data'), 'binaryalphadigits.npz');
    await writeFile(garbage, 'not a zip archive');
    const error = await failure({ data: garbage });
    expect(error.message).toContain(garbage);
  });

  it('a data file that does not exist, or of an unknown format', async () => {
    expect((await failure({ data: '/nonexistent/bad.npz' })).message).toMatch(/--data-dir \/nonexistent\/bad.npz: no such file/);
    const csv = join(tempDir('transfer-data'), 'letters.csv');
    await writeFile(csv, '1,2,3');
    expect((await failure({ data: csv })).message).toMatch(/unknown format.*\.npz or \.mat/);
  });

  it('fine-tuning more layers than the base has', async () => {
    const error = await failure({ fineTuneLayers: 9 });
    expect(error.message).toMatch(/--fine-tune-layers 9: the base model has 4 conv\/dense layers; use 1 to 4/);
  });
});
