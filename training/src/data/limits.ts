/**
 * Hard limits of the data readers, and the bounded primitives that enforce them: reading a data file
 * (regular files only, size checked first) and inflating compressed data (capped by what the format's
 * header declares and by the hard limit, stopping as soon as a cap is passed). A hostile or corrupt
 * file is refused with one line naming it, before its memory is spent.
 */
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { LettersError } from '../common/index.ts';

/**
 * The hard limits. The largest real input is EMNIST ByClass train images: 697,932 x 28 x 28 = 547 MB
 * decoded, about 200 MB as .gz; the official gzip.zip (561 MB) is streamed, never read whole.
 */
export const DATA_LIMITS = {
  /** Largest data file read into memory (a .gz, .npz, .mat or raw IDX file). */
  maxFileBytes: 768 * 1024 * 1024,
  /** Largest decompressed file or archive member. */
  maxDecodedBytes: 768 * 1024 * 1024,
  /** Deepest nesting of MAT cell arrays (Binary AlphaDigits nests one level). */
  maxMatDepth: 16,
} as const;

/** Compressed prefix inflated to read a header: enough for a gzip header's file name and the format's header. */
const HEADER_PREFIX_BYTES = 4096;

/**
 * Reads a data file: a regular file (or a symlink to one), no larger than the limit, checked before
 * anything is read, so a FIFO, a device such as /dev/zero or a huge file is refused at once.
 */
export async function readDataFile(path: string, maxBytes: number = DATA_LIMITS.maxFileBytes): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new LettersError(`${path}: cannot read (${reason})`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new LettersError(`${path}: not a regular file (${fileKind(stats)}); point at the data file itself`);
    if (stats.size > maxBytes) {
      throw new LettersError(`${path}: ${stats.size} bytes, more than the limit of ${maxBytes} bytes for a data file`);
    }
    // Exactly the size stat gave: a file that grows meanwhile cannot make the read unbounded.
    const bytes = new Uint8Array(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read);
  } catch (error) {
    if (error instanceof LettersError) throw error;
    throw new LettersError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  } finally {
    await handle.close();
  }
}

function fileKind(stats: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

export type CompressedFormat = 'gzip' | 'zlib' | 'deflate-raw';

export interface InflateOptions {
  /** Names the data in errors, e.g. the file, or `file (member x)`. */
  readonly source: string;
  /** What the data is, for messages, e.g. 'gzip data'. */
  readonly what: string;
  /**
   * The decoded size the format's header declares, read from the first inflated bytes (undefined when
   * they are too few or do not say): the output is capped at it, and more output is an error.
   */
  readonly declaredSize?: (prefix: Uint8Array) => number | undefined;
  /** What to do about corrupt data (default 'download the file again'). */
  readonly remedy?: string;
  /** Hard cap (default DATA_LIMITS.maxDecodedBytes). */
  readonly maxBytes?: number;
}

const INFLATERS = { gzip: gunzipSync, zlib: inflateSync, 'deflate-raw': inflateRawSync } as const;

/**
 * Inflates `bytes` with node:zlib, stopping as soon as the output passes the declared size (when the
 * header declares one) or the hard limit: a decompression bomb costs at most that much memory.
 */
export function inflateBounded(bytes: Uint8Array, format: CompressedFormat, options: InflateOptions): Uint8Array {
  const hardLimit = options.maxBytes ?? DATA_LIMITS.maxDecodedBytes;
  const inflate = INFLATERS[format];
  let cap = hardLimit;
  let declared: number | undefined;
  if (options.declaredSize) {
    // The header from a bounded prefix: a few KB of deflate inflate to a few MB at most.
    const prefix = run(() => inflate(bytes.subarray(0, HEADER_PREFIX_BYTES), { finishFlush: constants.Z_SYNC_FLUSH }), options);
    declared = options.declaredSize(prefix);
    if (declared !== undefined) {
      if (!(Number.isSafeInteger(declared) && declared >= 0) || declared > hardLimit) {
        throw new LettersError(
          `${options.source}: the header declares ${declared} bytes of ${options.what}, more than the limit of ${hardLimit} bytes`,
        );
      }
      cap = declared;
    }
  }
  try {
    const out = inflate(bytes, { maxOutputLength: Math.max(1, cap + (declared === undefined ? 0 : 1)) });
    if (declared !== undefined && out.length > declared) throw tooLarge();
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(error);
    if (error instanceof LettersError) throw error;
    throw corrupt(error, options);
  }

  function tooLarge(cause?: unknown): LettersError {
    const limit = declared === undefined ? `the limit of ${hardLimit} bytes` : `the ${declared} bytes its header declares`;
    return new LettersError(`${options.source}: ${options.what} inflates to more than ${limit}; the file is corrupt or a decompression bomb`, {
      cause,
    });
  }
}

function run<T>(inflate: () => T, options: InflateOptions): T {
  try {
    return inflate();
  } catch (error) {
    throw corrupt(error, options);
  }
}

function corrupt(error: unknown, options: InflateOptions): LettersError {
  const reason = error instanceof Error ? error.message : String(error);
  return new LettersError(`${options.source}: corrupt or truncated ${options.what} (${reason}); ${options.remedy ?? 'download the file again'}`, { cause: error });
}
