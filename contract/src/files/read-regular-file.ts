import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { LettersError } from '../errors.ts';

/**
 * Reads a file that must be a regular file (or a symlink to one) no larger than `maxBytes`, checked
 * before anything is read: a FIFO, a device such as /dev/zero, a directory or a huge file is refused
 * at once with one line naming it. `what` names the file's role in messages, e.g. 'data file'.
 */
export async function readRegularFile(path: string, maxBytes: number, what = 'file'): Promise<Uint8Array> {
  let handle;
  try {
    // Non-blocking: opening a FIFO must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new LettersError(`${path}: cannot read (${reason(error)})`, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new LettersError(`${path}: not a regular file (${kind(stats)}); point at the ${what} itself`);
    if (stats.size > maxBytes) throw new LettersError(`${path}: ${stats.size} bytes, more than the limit of ${maxBytes} bytes for a ${what}`);
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
    throw new LettersError(`${path}: cannot read (${reason(error)})`, { cause: error });
  } finally {
    await handle.close();
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (error instanceof Error ? error.message : String(error));
}

function kind(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}
