import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LettersError } from '@letters/contract';
import { letterLabel, type Sample } from '@letters/export/personalize';
import { decodeImage, preprocessInto, IMAGE_SIZE } from '@letters/inference';

export interface SampleDir {
  readonly samples: Sample[];
  /** The labels of the letter folders found: each must hold drawings. */
  readonly letters: number[];
}

/**
 * Reads `<dir>/<letter>/<image files>`: one folder per letter (A-Z, either case), each holding that
 * letter's drawings in any image format `letters score` reads. Anything else in `dir`, a file that
 * is not an image or has no ink is an error naming it: a stray file should not teach a wrong letter.
 */
export async function readSampleDir(dir: string): Promise<SampleDir> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: Error) => {
    throw new LettersError(`--samples ${dir}: cannot read the folder (${error.message}); pass a folder with one subfolder per letter (A/, B/, ...)`, {
      kind: 'usage',
      cause: error,
    });
  });
  const samples: Sample[] = [];
  const letters: number[] = [];
  for (const entry of entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    const label = letterLabel(entry.name);
    if (!entry.isDirectory() || label === undefined) {
      throw new LettersError(`--samples ${path}: not a letter folder; put each letter's images in a folder named by the letter (A/, B/, ...)`, {
        kind: 'usage',
      });
    }
    if (letters.includes(label)) throw new LettersError(`--samples ${path}: a second folder for ${entry.name.toUpperCase()}; merge them`, { kind: 'usage' });
    letters.push(label);
    const files = (await readdir(path, { withFileTypes: true })).filter((f) => f.isFile() && !f.name.startsWith('.')).map((f) => f.name).sort();
    for (const file of files) {
      const image = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
      const { blank } = preprocessInto(await decodeImage(join(path, file)), image);
      if (blank) throw new LettersError(`${join(path, file)}: no ink found; remove it or draw the letter darker`);
      samples.push({ label, image });
    }
  }
  return { samples, letters };
}
