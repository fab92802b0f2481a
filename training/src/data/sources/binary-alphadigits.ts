/**
 * Binary AlphaDigits (Sam Roweis, https://cs.nyu.edu/~roweis/data.html): 39 examples of each digit
 * and letter, 20x16 binary images (ink 1). Two files carry the letters: the course file
 * `binaryalphadigits.npz` (`images` uint8 (N,20,16), `labels` uint8 1-26) and the public
 * `binaryalphadigs.mat` (`dat`, a 36x39 cell whose rows 10-35 are A-Z). Both decode to the same
 * 20x16 set; `toEmnistSize` then resizes it with padding to EMNIST's 28x28.
 */
import { DataNotFoundError, LettersError } from '../../common/index.ts';
import { findFile, orList, searchDirs } from '../data-dir.ts';
import { decodeMat, type MatValue } from '../formats/mat.ts';
import { decodeNpz } from '../formats/npz.ts';
import { readDataFile } from '../limits.ts';
import { resizeImageSetWithPad } from '../resize.ts';
import type { ImageSet } from '../types.ts';
import { LETTER_CLASS_NAMES, type LoadedSet } from './emnist.ts';

export const BINARY_ALPHADIGITS_NPZ = 'binaryalphadigits.npz';
export const BINARY_ALPHADIGITS_MAT = 'binaryalphadigs.mat';

const HEIGHT = 20;
const WIDTH = 16;
/** Rows of `dat` before the letters: the digits 0-9. */
const FIRST_LETTER_ROW = 10;
const LETTERS = 26;

/** Decodes `binaryalphadigits.npz` into a 20x16 set with ink 255 and Letters labels 1-26. */
export async function decodeBinaryAlphaDigitsNpz(bytes: Uint8Array, file: string): Promise<ImageSet> {
  const arrays = await decodeNpz(bytes, file);
  const images = arrays.get('images');
  const labels = arrays.get('labels');
  const present = `it has ${[...arrays.keys()].join(', ') || 'no arrays'}`;
  if (!images || !labels) {
    throw new LettersError(`${file}: expected arrays 'images' and 'labels', ${present}; is it the Binary AlphaDigits npz?`);
  }
  const [count, height, width] = images.shape;
  if (images.dtype !== 'u1' || images.shape.length !== 3 || height !== HEIGHT || width !== WIDTH) {
    throw new LettersError(`${file}: 'images' must be uint8 of shape (N, 20, 16), found ${images.dtype} (${images.shape.join(', ')})`);
  }
  if (labels.dtype !== 'u1' || labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new LettersError(`${file}: 'labels' must be uint8 of shape (${count},) like 'images', found ${labels.dtype} (${labels.shape.join(', ')})`);
  }
  const bad = labels.data.findIndex((label) => label < 1 || label > LETTERS);
  if (bad >= 0) throw new LettersError(`${file}: label ${labels.data[bad]} at index ${bad} is outside 1-26`);
  return binarySet(images.data as Uint8Array, Uint8Array.from(labels.data), file);
}

/** Decodes `binaryalphadigs.mat` (its letter rows) into the same set as the npz. */
export function decodeBinaryAlphaDigitsMat(bytes: Uint8Array, file: string): ImageSet {
  const dat = decodeMat(bytes, file, { only: ['dat'] }).get('dat');
  const layout = "a 'dat' variable: 36x39 cell of 20x16 arrays";
  if (!dat) throw new LettersError(`${file}: no 'dat' variable; expected the Binary AlphaDigits layout (${layout})`);
  if (dat.kind !== 'cell' || dat.dims.length !== 2 || dat.dims[0] !== FIRST_LETTER_ROW + LETTERS) {
    throw new LettersError(`${file}: 'dat' is ${describe(dat)}; expected ${layout}`);
  }
  const perClass = dat.dims[1];
  const count = LETTERS * perClass;
  // Float64 like the cells, so that binarySet sees (and refuses) values other than 0 and 1.
  const images = new Float64Array(count * HEIGHT * WIDTH);
  const labels = new Uint8Array(count);
  for (let letter = 0, n = 0; letter < LETTERS; letter++) {
    for (let example = 0; example < perClass; example++, n++) {
      const row = FIRST_LETTER_ROW + letter;
      // Cells are stored column-major: cell (row, example) is at example * rows + row.
      const cell = dat.cells[example * dat.dims[0] + row];
      if (cell.kind !== 'numeric' || cell.dims.length !== 2 || cell.dims[0] !== HEIGHT || cell.dims[1] !== WIDTH) {
        throw new LettersError(`${file}: dat{${row + 1},${example + 1}} is ${describe(cell)}; expected a 20x16 numeric or logical array`);
      }
      // Column-major 20x16 to row-major.
      for (let r = 0; r < HEIGHT; r++) {
        for (let c = 0; c < WIDTH; c++) images[n * HEIGHT * WIDTH + r * WIDTH + c] = cell.data[c * HEIGHT + r];
      }
      labels[n] = letter + 1;
    }
  }
  return binarySet(images, labels, file);
}

/** Resizes a 20x16 set to 28x28 with padding, as `tf.image.resize_with_pad` would. */
export function toEmnistSize(set: ImageSet): ImageSet {
  return resizeImageSetWithPad(set, 28, 28);
}

export type BinaryAlphaDigitsFormat = 'npz' | 'mat';

/** Reads Binary AlphaDigits from the data directory (the npz, else the mat, unless `format` says which), at 28x28. */
export async function readBinaryAlphaDigits(dataDir: string, format?: BinaryAlphaDigitsFormat): Promise<LoadedSet> {
  const names = format === 'npz' ? [BINARY_ALPHADIGITS_NPZ] : format === 'mat' ? [BINARY_ALPHADIGITS_MAT] : [BINARY_ALPHADIGITS_NPZ, BINARY_ALPHADIGITS_MAT];
  const dirs = searchDirs(dataDir, ['binaryalphadigits']);
  const path = findFile(dirs, names);
  if (path === undefined) {
    throw new DataNotFoundError(
      `Binary AlphaDigits not found: looked for ${orList(names)} in ${orList(dirs)}; ` +
        'download binaryalphadigs.mat from https://cs.nyu.edu/~roweis/data.html into one of them, or point --data-dir at its folder',
    );
  }
  const bytes = await readDataFile(path);
  const set = path.endsWith('.mat') ? decodeBinaryAlphaDigitsMat(bytes, path) : await decodeBinaryAlphaDigitsNpz(bytes, path);
  return { set: toEmnistSize(set), files: [path] };
}

/** Checks the pixels are 0/1 and scales ink to 255, giving an ImageSet like EMNIST's (ink 255 on 0). */
function binarySet(binary: ArrayLike<number>, labels: Uint8Array, file: string): ImageSet {
  const images = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    const value = binary[i];
    if (value !== 0 && value !== 1) {
      throw new LettersError(`${file}: pixel value ${value} in image ${Math.floor(i / (HEIGHT * WIDTH))}; Binary AlphaDigits pixels are 0 or 1`);
    }
    images[i] = value * 255;
  }
  return { images, labels, count: labels.length, height: HEIGHT, width: WIDTH, numClasses: LETTER_CLASS_NAMES.length, classNames: LETTER_CLASS_NAMES };
}

function describe(value: MatValue): string {
  const kind = value.kind === 'numeric' || value.kind === 'other' ? value.class : value.kind;
  return `a ${value.dims.join('x')} ${kind}`;
}
