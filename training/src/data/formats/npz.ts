/** NumPy's `.npz`: a zip of `.npy` members, stored (`np.savez`) or deflated (`np.savez_compressed`). */
import { unzipSync, zipSync } from 'fflate';
import { LettersError } from '../../common/index.ts';
import { decodeNpy, encodeNpy, type NpyArray } from './npy.ts';

/** Decodes every array of an `.npz` file, keyed by name without the `.npy` suffix. */
export function decodeNpz(bytes: Uint8Array, file: string): Map<string, NpyArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new LettersError(`${file}: not a valid .npz (zip) file (${(error as Error).message})`, { cause: error });
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    if (!name.endsWith('.npy')) continue;
    arrays.set(name.slice(0, -4), decodeNpy(data, `${file} (array ${name.slice(0, -4)})`));
  }
  return arrays;
}

/** Encodes arrays as an `.npz`, deflated when `compress` (like `np.savez_compressed`), else stored. */
export function encodeNpz(arrays: Readonly<Record<string, NpyArray>>, options: { compress?: boolean } = {}): Uint8Array {
  const members = Object.fromEntries(Object.entries(arrays).map(([name, array]) => [`${name}.npy`, encodeNpy(array)]));
  // A fixed date keeps the bytes reproducible, as NumPy does (1980-01-01).
  return zipSync(members, { level: options.compress ? 6 : 0, mtime: new Date(1980, 0, 1) });
}
