/**
 * Random-access reading of a zip archive on disk: the central directory is read from the end of the
 * file, then only the requested members are read and inflated (fflate). The official EMNIST
 * `gzip.zip` is 561 MB; the Letters members are a small part of it, so nothing else is read.
 * In-memory archives (npz) use fflate's `unzipSync` directly instead.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { inflateSync } from 'fflate';
import { LettersError } from '../../common/index.ts';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
}

export interface ZipArchive {
  readonly path: string;
  /** Members by name, directories included (names ending in '/'). */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** Reads, inflates and CRC-checks one member. */
  read(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** Opens a zip archive and reads its central directory; call `close()` when done. */
export async function openZip(path: string): Promise<ZipArchive> {
  const file = await open(path, 'r').catch((error: unknown) => {
    throw new LettersError(`${path}: cannot open zip archive (${(error as Error).message})`, { cause: error });
  });
  try {
    const entries = await readCentralDirectory(file, path);
    return {
      path,
      entries,
      read: (name) => readMember(file, path, entries, name),
      close: () => file.close(),
    };
  } catch (error) {
    await file.close();
    throw error;
  }
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

async function readAt(file: FileHandle, position: number, length: number): Promise<DataView> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return new DataView(buffer.buffer, 0, bytesRead);
}

function corrupt(path: string, problem: string): LettersError {
  return new LettersError(`${path}: not a valid zip archive (${problem}); download it again (letters data fetch)`);
}

async function readCentralDirectory(file: FileHandle, path: string): Promise<Map<string, ZipEntry>> {
  const { size } = await file.stat();
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tail = await readAt(file, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt(path, 'no end-of-central-directory record: truncated or not a zip');
  let count = tail.getUint16(eocd + 10, true);
  let directorySize = tail.getUint32(eocd + 12, true);
  let directoryOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    // Zip64: the real values are in the zip64 end record that the locator just before the EOCD points to.
    const locator = eocd - 20;
    if (locator < 0 || tail.getUint32(locator, true) !== ZIP64_LOCATOR) throw corrupt(path, 'missing zip64 locator');
    const record = await readAt(file, Number(tail.getBigUint64(locator + 8, true)), 56);
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) throw corrupt(path, 'bad zip64 end record');
    count = Number(record.getBigUint64(32, true));
    directorySize = Number(record.getBigUint64(40, true));
    directoryOffset = Number(record.getBigUint64(48, true));
  }
  if (directoryOffset + directorySize > size) throw corrupt(path, 'central directory lies beyond the end of the file');
  const directory = await readAt(file, directoryOffset, directorySize);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.byteLength || directory.getUint32(at, true) !== CENTRAL_HEADER) {
      throw corrupt(path, `central directory entry ${n} is damaged`);
    }
    const nameLength = directory.getUint16(at + 28, true);
    const extraLength = directory.getUint16(at + 30, true);
    const commentLength = directory.getUint16(at + 32, true);
    const name = decoder.decode(new Uint8Array(directory.buffer, at + 46, nameLength));
    let compressedSize = directory.getUint32(at + 20, true);
    let uncompressedSize = directory.getUint32(at + 24, true);
    let localHeaderOffset = directory.getUint32(at + 42, true);
    // Zip64 extra field (id 1): 8-byte values for exactly those fields saturated at 0xffffffff, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = directory.getUint16(e, true);
      const length = directory.getUint16(e + 2, true);
      if (id === 1) {
        let field = e + 4;
        const next = () => Number(directory.getBigUint64((field += 8) - 8, true));
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      e += 4 + length;
    }
    entries.set(name, {
      name,
      method: directory.getUint16(at + 10, true),
      compressedSize,
      size: uncompressedSize,
      crc32: directory.getUint32(at + 16, true),
      localHeaderOffset,
      encrypted: (directory.getUint16(at + 8, true) & 1) !== 0,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function readMember(
  file: FileHandle,
  path: string,
  entries: ReadonlyMap<string, ZipEntry>,
  name: string,
): Promise<Uint8Array> {
  const entry = entries.get(name);
  if (!entry) throw new LettersError(`${path}: the archive has no member ${name}`);
  const where = `${path} (member ${name})`;
  if (entry.encrypted) throw new LettersError(`${where}: encrypted members are not supported`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new LettersError(`${where}: compression method ${entry.method} is not supported (only stored and deflate)`);
  }
  const local = await readAt(file, entry.localHeaderOffset, 30);
  if (local.byteLength < 30 || local.getUint32(0, true) !== LOCAL_HEADER) throw corrupt(where, 'bad local header');
  const dataOffset = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  const compressed = new Uint8Array(entry.compressedSize);
  const { bytesRead } = await file.read(compressed, 0, entry.compressedSize, dataOffset);
  if (bytesRead !== entry.compressedSize) throw corrupt(where, 'member data is truncated');
  let data: Uint8Array;
  try {
    data = entry.method === 0 ? compressed : inflateSync(compressed, { out: new Uint8Array(entry.size) });
  } catch (error) {
    throw corrupt(where, `cannot inflate: ${(error as Error).message}`);
  }
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc32) throw corrupt(where, 'CRC or size mismatch');
  return data;
}
