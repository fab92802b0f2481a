import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { inFile, LettersError } from '../common/index.ts';
import {
  decodeBinaryAlphaDigitsMat,
  decodeBinaryAlphaDigitsNpz,
  readBinaryAlphaDigits,
  toEmnistSize,
} from '../data/sources/binary-alphadigits.ts';
import type { DatasetSource, ImageSet } from '../data/types.ts';

export interface TransferData {
  /** 28x28, ink 255 on 0, labels 1-26 (class 0 unused): the input the EMNIST model expects. */
  readonly set: ImageSet;
  readonly source: DatasetSource;
}

/**
 * Reads Binary AlphaDigits for transfer: `path` is `binaryalphadigits.npz`, `binaryalphadigs.mat`,
 * or a data directory holding either. The images are resized with padding to 28x28.
 *
 * Polarity: Binary AlphaDigits stores ink as 1 on a 0 background; the decoder scales it to 255 on
 * 0, which is EMNIST's white ink on black once its IDX bytes are read. No inversion is needed.
 */
export async function loadTransferData(path: string): Promise<TransferData> {
  const info = await stat(path).catch((error: unknown) => {
    throw new LettersError(`--data ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}; give binaryalphadigits.npz, binaryalphadigs.mat or a folder holding one`);
  });
  let set: ImageSet;
  let files: readonly string[];
  if (info.isDirectory()) {
    ({ set, files } = await readBinaryAlphaDigits(path));
  } else {
    const decode = path.endsWith('.npz') ? decodeBinaryAlphaDigitsNpz : path.endsWith('.mat') ? decodeBinaryAlphaDigitsMat : undefined;
    if (!decode) throw new LettersError(`--data ${path}: unknown format; give the Binary AlphaDigits .npz or .mat file`);
    const bytes = await readFile(path).catch((error: unknown) => {
      throw inFile(path, error);
    });
    try {
      set = toEmnistSize(decode(bytes, path));
    } catch (error) {
      throw error instanceof LettersError ? error : inFile(path, error);
    }
    files = [path];
  }
  const hash = createHash('sha256').update(set.images).update(set.labels).digest('hex');
  const source: DatasetSource = {
    name: 'binaryalphadigits',
    description: `Binary AlphaDigits letters (${files.map((f) => basename(f)).join(', ')}), resized with padding to 28x28`,
    files,
    hash,
    synthetic: false,
  };
  return { set, source };
}
