import { gunzipSync } from 'node:zlib';
import { LettersError } from '../../common/index.ts';

/** True when `bytes` start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data, or returns `bytes` unchanged when they are not gzip, so readers accept
 * both `x.gz` and the raw file. node:zlib is native: ~0.3 s for the 91 MB ByClass test images.
 */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    // A plain Uint8Array view, not a Buffer, so callers see one type whether or not the input was gzip.
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LettersError(
      `${file}: corrupt or truncated gzip data (${reason}); download the file again (letters data fetch)`,
      { cause: error },
    );
  }
}
