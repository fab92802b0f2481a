/**
 * Builders of corrupt and hostile data files for tests: decompression bombs that cost little to make
 * (gzip members concatenate, so N copies of a compressed megabyte of zeros inflate to N MB), and zip
 * archives whose central directory lies.
 */
import { deflateRawSync, gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';

const MEGABYTE = 1024 * 1024;
const zeroMegabyteGzip = gzipSync(new Uint8Array(MEGABYTE), { level: 9 });

/** An IDX header (unsigned bytes) with the given dimensions. */
export function idxHeader(dims: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 0x08, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0, false));
  return out;
}

/** gzip of `head` followed by `megabytes` MB of zeros: about 1 KB per MB on disk. */
export function gzipBomb(head: Uint8Array, megabytes: number): Uint8Array {
  return new Uint8Array(Buffer.concat([gzipSync(head), ...Array.from({ length: megabytes }, () => zeroMegabyteGzip)]));
}

/** Offsets of the fields of a zip's first central directory entry and local header. */
function firstEntry(zip: Uint8Array): { central: number; local: number; view: DataView } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd > 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  return { central: view.getUint32(eocd + 16, true), local: 0, view };
}

export interface ZipLies {
  /** The uncompressed size the central directory (and local header) declares. */
  readonly declaredSize?: number;
  /** The file name length the central directory declares. */
  readonly nameLength?: number;
  /** The compression method. */
  readonly method?: number;
  /** The general purpose flags (bit 0: encrypted). */
  readonly flags?: number;
}

/** A zip of one member whose first entry's fields are overwritten with `lies`. */
export function lyingZip(name: string, data: Uint8Array, lies: ZipLies, level: 0 | 6 = 6): Uint8Array {
  const zip = zipSync({ [name]: data }, { level, mtime: new Date(1980, 0, 1) });
  const { central, local, view } = firstEntry(zip);
  if (lies.declaredSize !== undefined) {
    view.setUint32(central + 24, lies.declaredSize >>> 0, true);
    view.setUint32(local + 22, lies.declaredSize >>> 0, true);
  }
  if (lies.nameLength !== undefined) view.setUint16(central + 28, lies.nameLength, true);
  if (lies.method !== undefined) {
    view.setUint16(central + 10, lies.method, true);
    view.setUint16(local + 8, lies.method, true);
  }
  if (lies.flags !== undefined) {
    view.setUint16(central + 8, lies.flags, true);
    view.setUint16(local + 6, lies.flags, true);
  }
  return zip;
}

/** A zip of one deflated member of `megabytes` MB of zeros whose directory declares only `declaredSize` bytes. */
export function zipBomb(name: string, megabytes: number, declaredSize: number): Uint8Array {
  const small = lyingZip(name, new Uint8Array(1), { declaredSize });
  const { central, view } = firstEntry(small);
  const nameLength = view.getUint16(central + 28, true);
  // Rebuild with the bomb's deflate stream in place of the one-byte member.
  const stream = deflateRawSync(new Uint8Array(megabytes * MEGABYTE), { level: 9 });
  const localHeader = small.subarray(0, 30 + nameLength);
  const centralEntry = small.slice(central, central + 46 + nameLength);
  const eocd = small.slice(small.length - 22);
  const out = new Uint8Array(localHeader.length + stream.length + centralEntry.length + eocd.length);
  out.set(localHeader);
  out.set(stream, localHeader.length);
  const cd = localHeader.length + stream.length;
  out.set(centralEntry, cd);
  out.set(eocd, cd + centralEntry.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(18, stream.length, true);
  outView.setUint32(cd + 20, stream.length, true);
  outView.setUint32(out.length - 22 + 12, centralEntry.length, true);
  outView.setUint32(out.length - 22 + 16, cd, true);
  return out;
}
