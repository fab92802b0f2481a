import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { LettersError } from '@letters/contract';
import { MAX_PIXELS, type RawImage } from '../preprocess/index.ts';
import { decodeSmallPng } from './decode-png.ts';

/** Guards against huge files and decompression bombs. */
export interface DecodeLimits {
  /** Largest file read, in bytes (default 32 MiB). */
  readonly maxBytes?: number;
  /** Largest decoded image, width x height (default 25 megapixels), checked by sharp from the header. */
  readonly maxPixels?: number;
}

export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_PIXELS = Math.min(25_000_000, MAX_PIXELS);

/**
 * Reads an image file, refusing before reading what is not a regular file (a device such as
 * /dev/zero would never end, a FIFO would block) and a file over `maxBytes`.
 */
async function readImageFile(path: string, maxBytes: number): Promise<Uint8Array> {
  // Non-blocking: opening a FIFO must not wait for a writer; a regular file reads as usual.
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error(info.isFIFO() ? 'a FIFO, not a regular file' : info.isDirectory() ? 'is a directory' : 'not a regular file');
    if (info.size > maxBytes) throw new Error(`${info.size} bytes exceed the limit of ${maxBytes} bytes`);
    return await file.readFile();
  } finally {
    await file.close();
  }
}

/** Reads a file for decodeImage, every failure a LettersError naming it. */
export async function readImage(path: string, limits: DecodeLimits = {}): Promise<Uint8Array> {
  try {
    return await readImageFile(path, limits.maxBytes ?? DEFAULT_MAX_BYTES);
  } catch (error) {
    throw new LettersError(`${path}: cannot read the image (${describe(error)})`, { cause: error });
  }
}

/**
 * Decodes an image file or its bytes (PNG, JPEG, WebP, TIFF, GIF: the first frame) into 8-bit raw
 * pixels, upright per EXIF orientation. `source` names the input in errors; every failure is a
 * LettersError naming it, so batch callers can report it and go on.
 */
export async function decodeImage(input: string | Uint8Array, limits: DecodeLimits = {}, source?: string): Promise<RawImage> {
  const name = source ?? (typeof input === 'string' ? input : 'image bytes');
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readImage(input, limits) : input;
  try {
    if (bytes.length > maxBytes) throw new Error(`${bytes.length} bytes exceed the limit of ${maxBytes} bytes`);
    return decodeSmallPng(bytes, maxPixels) ?? (await decodeWithSharp(bytes, maxPixels));
  } catch (error) {
    throw new LettersError(`${name}: cannot read the image (${describe(error)})`, { cause: error });
  }
}

const SAMPLE_BYTES: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4 };

/**
 * Bytes decoding an image holds at its peak, from its header (read by sharp without decoding): the
 * decoded samples at their depth (16-bit PNGs hold twice the 8-bit size) and the 8-bit output.
 * An unreadable header costs the file's size: decoding it will fail early.
 */
export async function decodeCost(bytes: Uint8Array): Promise<number> {
  const { default: sharp } = await import('sharp');
  const metadata = await sharp(bytes).metadata().catch(() => undefined);
  if (!metadata?.width || !metadata.height) return bytes.length;
  const channels = metadata.channels ?? 4;
  const sampleBytes = SAMPLE_BYTES[metadata.depth] ?? 8;
  return bytes.length + metadata.width * metadata.height * channels * (sampleBytes + 1);
}

/** sharp (libvips) loads with the first image it decodes: importing the Classifier stays cheap. */
async function decodeWithSharp(bytes: Uint8Array, maxPixels: number): Promise<RawImage> {
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', autoOrient: true })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** sharp's and fs's messages, shortened to what a user needs. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/^Input (buffer|file) /, '');
}
