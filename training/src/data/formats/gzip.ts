import { inflateBounded } from '../limits.ts';

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data, or returns `bytes` unchanged when they are not gzip, so readers accept
 * both `x.gz` and the raw file. node:zlib is native: ~0.3 s for the 91 MB ByClass test images.
 * `declaredSize` reads the decoded size from the first decoded bytes (a format's header): the output
 * is capped at it, and at the hard limit (limits.ts), so a decompression bomb is refused early.
 */
export function gunzipIfNeeded(bytes: Uint8Array, file: string, declaredSize?: (prefix: Uint8Array) => number | undefined): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  return inflateBounded(bytes, 'gzip', { source: file, what: 'gzip data', declaredSize, remedy: 'download the file again (letters data fetch)' });
}
