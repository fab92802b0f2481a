import { createRequire } from 'node:module';
import type { RawImage } from '../preprocess/index.ts';

/** pngjs loads with the first PNG it decodes (synchronously, as decoding is): importing the Classifier stays cheap. */
let loaded: typeof import('pngjs') | undefined;
const pngjs = () => (loaded ??= createRequire(import.meta.url)('pngjs') as typeof import('pngjs'));

/**
 * Largest PNG decoded on the calling thread. pngjs decodes synchronously; past this size the work
 * belongs on sharp's thread pool, where it does not stall a server's event loop.
 */
export const MAX_INLINE_PNG_PIXELS = 512 * 512;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Decodes a small 8-bit PNG with pngjs, or returns undefined to leave the file to sharp. A letter
 * scan is a few hundred bytes; sharp's fixed cost per call (about 0.5 ms of CPU) is what limited
 * `score` to 2,000 files/s, and pngjs (zlib inflate plus unfiltering) costs a third of that.
 * Declined: anything not a PNG, 16-bit samples (sharp's rounding to 8 bits stands), EXIF
 * orientation (sharp applies it), images over `maxPixels` (sharp reports the limit), images over
 * MAX_INLINE_PNG_PIXELS, and files pngjs refuses (sharp then gives its verdict and message).
 * The result is RGBA, which the preprocessing turns into the same luminance as sharp's output.
 */
export function decodeSmallPng(bytes: Uint8Array, maxPixels: number): RawImage | undefined {
  if (bytes.length < 33 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) return undefined;
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IHDR is the first chunk, at a fixed offset: width, height, bit depth.
  const pixels = header.getUint32(16) * header.getUint32(20);
  const bitDepth = bytes[24]!;
  if (pixels > Math.min(maxPixels, MAX_INLINE_PNG_PIXELS) || bitDepth > 8 || hasExif(header)) return undefined;
  try {
    const { data, width, height } = pngjs().PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { data, width, height, channels: 4 };
  } catch {
    return undefined;
  }
}

/** Whether an eXIf chunk (which must precede the image data) is present. */
function hasExif(png: DataView): boolean {
  for (let offset = 8; offset + 8 <= png.byteLength; ) {
    const length = png.getUint32(offset);
    const type = String.fromCharCode(png.getUint8(offset + 4), png.getUint8(offset + 5), png.getUint8(offset + 6), png.getUint8(offset + 7));
    if (type === 'eXIf') return true;
    if (type === 'IDAT') return false;
    offset += 12 + length;
  }
  return false;
}
