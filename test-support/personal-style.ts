import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRandom } from '../training/src/data/random.ts';
import { drawLetter, EMNIST_STYLE, type StyleRanges } from '../training/src/data/fixtures/rasterize.ts';
import { LETTERS } from '../training/src/data/fixtures/strokes.ts';

/**
 * One person's handwriting for the Teach tests: every letter in its capital form with a strong right
 * slant (about 40 degrees), which models trained on EMNIST read as other letters (P and R as F,
 * T as F, Y as R, D as Q, H as N or M), drawn consistently with small jitter.
 */
export const PERSONAL_SLANT: readonly [number, number] = [0.75, 0.85];
/** Letters a base model misreads in this style: the ones the tests teach. */
export const PERSONAL_LETTERS: readonly string[] = ['P', 'R', 'T', 'Y'];

/** A pen stroke as points in the pad's unit square (x right, y down). */
export type PadStroke = readonly (readonly [number, number])[];

/**
 * The letter in this style as pen strokes on the pad: box 0.42-0.5 high, slanted, centred with a little
 * jitter. `seed` picks the jitter, so each drawing differs like a person's do.
 */
export function personalStrokes(letter: string, seed: number): PadStroke[] {
  const forms = LETTERS[letter];
  if (!forms) throw new RangeError(`no strokes for ${letter}`);
  const random = createRandom(seed);
  const height = random.uniform(0.42, 0.5);
  const width = height * forms.aspect * random.uniform(0.9, 1.1);
  const slant = random.uniform(...PERSONAL_SLANT);
  const cx = 0.5 + random.uniform(-0.03, 0.03);
  const cy = 0.5 + random.uniform(-0.03, 0.03);
  const jitter = () => random.uniform(-0.008, 0.008);
  return forms.forms[0]!.map((stroke) =>
    sparse(stroke).map(([u, v]) => {
      const y = (v - 0.5) * height;
      return [cx + (u - 0.5) * width - slant * y + jitter(), cy + y + jitter()] as const;
    }),
  );
}

/** Every other point of long arcs (still smooth at pen width): fewer mouse events per drawing. */
function sparse(stroke: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  return stroke.length <= 6 ? [...stroke] : stroke.filter((_, i) => i % 2 === 0 || i === stroke.length - 1);
}

const IMAGE_STYLE: StyleRanges = {
  ...EMNIST_STYLE,
  size: [40, 50],
  thickness: [5, 6.5],
  rotation: 3,
  slant: PERSONAL_SLANT,
  warp: 0.03,
  inkNoise: 0,
  speckChance: 0,
};

/**
 * Writes `count` images of each letter in this style (or upright with `slant` 0) as 64x64 PNG files, dark ink on white like a
 * scan, into `<dir>/<letter>/`: the folder layout `letters personalize --samples` reads.
 */
export async function writePersonalImages(
  dir: string,
  letters: readonly string[],
  count: number,
  seed: number,
  slant: StyleRanges['slant'] = PERSONAL_SLANT,
): Promise<void> {
  const random = createRandom(seed);
  const style = { ...IMAGE_STYLE, slant };
  for (const letter of letters) {
    await mkdir(join(dir, letter), { recursive: true });
    for (let i = 0; i < count; i++) {
      const ink = drawLetter(letter, 64, 64, style, random, 0);
      const pixels = Uint8Array.from(ink, (v) => 255 - Math.round(255 * v));
      await writeFile(join(dir, letter, `${i}.png`), await sharp(pixels, { raw: { width: 64, height: 64, channels: 1 } }).png().toBuffer());
    }
  }
}
