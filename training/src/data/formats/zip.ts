/**
 * Random-access reading of zip archives (yauzl: zip64, data descriptors, validated sizes), behind a
 * bounded reader: the central directory is read, then only the requested members are streamed and
 * inflated into a buffer of the size the directory declares, and a member declaring more than the
 * hard limit is refused before anything is inflated. The official EMNIST `gzip.zip` is 561 MB; the
 * Letters members are a small part of it, so nothing else is read. npz archives in memory use the same reader.
 */
import { close, constants, fstat, open } from 'node:fs';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { LettersError } from '../../common/index.ts';
import { DATA_LIMITS } from '../limits.ts';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly encrypted: boolean;
}

export interface ZipArchive {
  /** The archive's name in messages: its path, or what the caller named in-memory bytes. */
  readonly path: string;
  /** Members by name, directories included (names ending in '/'). */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** Reads, inflates and CRC-checks one member. */
  read(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };

/** Opens a zip archive (a regular file) and reads its central directory; call `close()` when done. */
export async function openZip(path: string): Promise<ZipArchive> {
  // A numeric descriptor, not a FileHandle: yauzl closes it with the archive.
  const fd = await promisify(open)(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LettersError(`${path}: cannot open zip archive (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`, {
      cause: error,
    });
  });
  let zipfile: yauzl.ZipFile;
  try {
    if (!(await promisify(fstat)(fd)).isFile()) throw new LettersError(`${path}: not a regular file; point at the zip archive itself`);
    zipfile = await yauzl.fromFdPromise(fd, OPTIONS);
  } catch (error) {
    await promisify(close)(fd);
    throw error instanceof LettersError ? error : corrupt(path, error);
  }
  return archive(zipfile, path);
}

/** Opens a zip archive held in memory (an npz); `source` names it in errors. */
export async function openZipBytes(bytes: Uint8Array, source: string): Promise<ZipArchive> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zipfile = await yauzl.fromBufferPromise(buffer, OPTIONS).catch((error: unknown) => {
    throw corrupt(source, error);
  });
  return archive(zipfile, source);
}

/** Opens an archive, runs `use` and closes it again, also on errors. */
export async function withZip<T>(path: string, use: (zip: ZipArchive) => Promise<T>): Promise<T> {
  const zip = await openZip(path);
  try {
    return await use(zip);
  } finally {
    await zip.close();
  }
}

async function archive(zipfile: yauzl.ZipFile, path: string): Promise<ZipArchive> {
  const raw = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zipfile.eachEntry()) raw.set(entry.fileName, entry);
  } catch (error) {
    zipfile.close();
    throw corrupt(path, error);
  }
  const entries = new Map<string, ZipEntry>(
    [...raw].map(([name, e]) => [
      name,
      { name, method: e.compressionMethod, compressedSize: e.compressedSize, size: e.uncompressedSize, crc32: e.crc32, encrypted: e.isEncrypted() },
    ]),
  );
  return {
    path,
    entries,
    read: (name) => readMember(zipfile, path, raw.get(name), name),
    close: async () => zipfile.close(),
  };
}

function corrupt(path: string, error: unknown): LettersError {
  const reason = error instanceof Error ? error.message : String(error);
  return new LettersError(`${path}: not a valid zip archive (${reason}); download it again (letters data fetch)`, { cause: error });
}

async function readMember(zipfile: yauzl.ZipFile, path: string, entry: yauzl.Entry | undefined, name: string): Promise<Uint8Array> {
  if (!entry) throw new LettersError(`${path}: the archive has no member ${name}`);
  const where = `${path} (member ${name})`;
  if (entry.isEncrypted()) throw new LettersError(`${where}: encrypted members are not supported`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new LettersError(`${where}: compression method ${entry.compressionMethod} is not supported (only stored and deflate)`);
  }
  if (entry.uncompressedSize > DATA_LIMITS.maxDecodedBytes) {
    throw new LettersError(
      `${where}: the archive declares ${entry.uncompressedSize} bytes, more than the limit of ${DATA_LIMITS.maxDecodedBytes} bytes for a member`,
    );
  }
  // Streamed into a buffer of the declared size: yauzl stops with an error on more (or less) data.
  const data = new Uint8Array(entry.uncompressedSize);
  let filled = 0;
  try {
    const stream = await zipfile.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (filled + chunk.length > data.length) {
        stream.destroy();
        throw new Error(`more data than the ${data.length} bytes declared`);
      }
      data.set(chunk, filled);
      filled += chunk.length;
    }
  } catch (error) {
    throw new LettersError(`${where}: not a valid zip member (${(error as Error).message}); download the archive again`, { cause: error });
  }
  if (filled !== data.length || crc32(data) >>> 0 !== entry.crc32) {
    throw new LettersError(`${where}: not a valid zip member (CRC or size mismatch); download the archive again`);
  }
  return data;
}
