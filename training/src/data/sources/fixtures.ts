/**
 * The project's generated letters (fixtures/, written by `npm run fixtures`): synthetic stroke-drawn
 * A-Z in the EMNIST Letters IDX format (transposed, labels 1-26), read like the real files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LettersError } from '../../common/index.ts';
import { FIXTURE_FILES } from '../fixtures/layout.ts';
import type { ImageSet } from '../types.ts';
import { LETTER_CLASS_NAMES, readIdxPairFiles } from './emnist.ts';

/** Reads the fixtures' train and test letters. */
export async function readFixtures(fixturesDir: string): Promise<{ train: ImageSet; test: ImageSet; files: readonly string[]; description: string }> {
  const path = (file: string) => join(fixturesDir, file);
  if (!existsSync(path(FIXTURE_FILES.trainImages))) {
    throw new LettersError(`${path(FIXTURE_FILES.trainImages)}: the generated fixtures are missing; run \`npm run fixtures\``);
  }
  const train = await readIdxPairFiles(path(FIXTURE_FILES.trainImages), path(FIXTURE_FILES.trainLabels), LETTER_CLASS_NAMES);
  const test = await readIdxPairFiles(path(FIXTURE_FILES.testImages), path(FIXTURE_FILES.testLabels), LETTER_CLASS_NAMES);
  return { train: train.set, test: test.set, files: [...train.files, ...test.files], description: 'Generated stroke letters (synthetic)' };
}
