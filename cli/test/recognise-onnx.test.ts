import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLettersOnnx } from '@letters/contract/node';
import { testModel } from '../../test-support/models.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

describe('isLettersOnnx', () => {
  it('recognises an export larger than the searched tail, and nothing else', async () => {
    // The dense network's 400k weights put over a megabyte of graph before the metadata.
    const { path, onnx } = await testModel('dense');
    expect(onnx.byteLength).toBeGreaterThan(1 << 20);
    expect(await isLettersOnnx(path)).toBe(true);

    const dir = tempDir('recognise');
    const stripped = join(dir, 'no-metadata.onnx');
    await writeFile(stripped, onnx.subarray(0, onnx.byteLength - 4096));
    expect(await isLettersOnnx(stripped)).toBe(false);
    const text = join(dir, 'notes.onnx');
    await writeFile(text, 'letters.label');
    expect(await isLettersOnnx(text)).toBe(false);
  });
});
