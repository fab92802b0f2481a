/** NumPy's `.npz`: a zip of `.npy` members, stored (`np.savez`) or deflated (`np.savez_compressed`). */
import { zipSync } from 'fflate';
import { LettersError } from '../../common/index.ts';
import { DATA_LIMITS } from '../limits.ts';
import { decodeNpy, encodeNpy, type NpyArray } from './npy.ts';
import { openZipBytes } from './zip.ts';

/**
 * Decodes every array of an `.npz` file, keyed by name without the `.npy` suffix. Members are
 * inflated by the bounded zip reader: together at most DATA_LIMITS.maxDecodedBytes.
 */
export async function decodeNpz(bytes: Uint8Array, file: string): Promise<Map<string, NpyArray>> {
  const zip = await openZipBytes(bytes, file).catch((error: unknown) => {
    throw new LettersError((error as Error).message.replace('not a valid zip archive', 'not a valid .npz (zip) file'), { cause: error });
  });
  try {
    const names = [...zip.entries.keys()].filter((name) => name.endsWith('.npy'));
    const declared = names.reduce((sum, name) => sum + zip.entries.get(name)!.size, 0);
    if (declared > DATA_LIMITS.maxDecodedBytes) {
      throw new LettersError(`${file}: its arrays declare ${declared} bytes, more than the limit of ${DATA_LIMITS.maxDecodedBytes} bytes`);
    }
    const arrays = new Map<string, NpyArray>();
    for (const name of names) arrays.set(name.slice(0, -4), decodeNpy(await zip.read(name), `${file} (array ${name.slice(0, -4)})`));
    return arrays;
  } finally {
    await zip.close();
  }
}

/** Encodes arrays as an `.npz`, deflated when `compress` (like `np.savez_compressed`), else stored. */
export function encodeNpz(arrays: Readonly<Record<string, NpyArray>>, options: { compress?: boolean } = {}): Uint8Array {
  const members = Object.fromEntries(Object.entries(arrays).map(([name, array]) => [`${name}.npy`, encodeNpy(array)]));
  // A fixed date keeps the bytes reproducible, as NumPy does (1980-01-01).
  return zipSync(members, { level: options.compress ? 6 : 0, mtime: new Date(1980, 0, 1) });
}
