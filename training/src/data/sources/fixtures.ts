/**
 * The project's generated letters (fixtures/, written by `npm run fixtures`): synthetic stroke-drawn
 * A-Z in the EMNIST Letters IDX format (transposed, labels 1-26), read like the real files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LettersError } from '../../common/index.ts';
import { FIXTURE_FILES } from '../fixtures/layout.ts';
import { readDataFile } from '../limits.ts';
import type { ImageSet } from '../types.ts';
import { decodeBinaryAlphaDigitsNpz, toEmnistSize } from './binary-alphadigits.ts';
import { LETTER_CLASS_NAMES, readIdxPairFiles, type LoadedSet } from './emnist.ts';

function fixturePath(fixturesDir: string, file: string): string {
  const path = join(fixturesDir, file);
  if (!existsSync(path)) throw new LettersError(`${path}: the generated fixtures are missing; run \`npm run fixtures\``);
  return path;
}

/** Reads the fixtures' train and test letters. */
export async function readFixtures(fixturesDir: string): Promise<{ train: ImageSet; test: ImageSet; files: readonly string[]; description: string }> {
  const path = (file: string) => fixturePath(fixturesDir, file);
  const train = await readIdxPairFiles(path(FIXTURE_FILES.trainImages), path(FIXTURE_FILES.trainLabels), LETTER_CLASS_NAMES);
  const test = await readIdxPairFiles(path(FIXTURE_FILES.testImages), path(FIXTURE_FILES.testLabels), LETTER_CLASS_NAMES);
  return { train: train.set, test: test.set, files: [...train.files, ...test.files], description: 'Generated stroke letters (synthetic)' };
}

/** Reads the fixtures' Binary AlphaDigits-style letters (npz, 20x16), resized to 28x28 like the real ones. */
export async function readFixtureAlphaDigits(fixturesDir: string): Promise<LoadedSet> {
  const path = fixturePath(fixturesDir, FIXTURE_FILES.alphaDigits);
  return { set: toEmnistSize(await decodeBinaryAlphaDigitsNpz(await readDataFile(path), path)), files: [path] };
}
