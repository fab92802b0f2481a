import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { LettersError } from '../errors.ts';
import { isReplaceableFolder, markerText, OUTPUT_MARKER, type OwnedFolderKind } from './owned.ts';
import { releaseTemporary, removeStaleTemporaries, temporaryPath } from './temporaries.ts';

/** Refuses to replace what is not a regular file (a device, a FIFO, a link, a folder). */
async function checkReplaceableFile(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info !== undefined && !info.isFile()) {
    throw new LettersError(`${path}: exists and is not a regular file; letters replaces only its own files: move it or choose another path`, {
      kind: 'usage',
    });
  }
}

/** A file being written under a temporary name: `commit` renames it into place, `abort` removes it. */
export interface AtomicFile {
  readonly stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Opens `path` for streaming writes under a temporary name (removed on any exit until committed). */
export async function openFileAtomic(path: string): Promise<AtomicFile> {
  await mkdir(dirname(path), { recursive: true });
  await checkReplaceableFile(path);
  removeStaleTemporaries(path);
  const tmp = temporaryPath(path);
  const stream = createWriteStream(tmp, { flags: 'wx' });
  const removeTmp = async () => {
    await rm(tmp, { force: true });
    releaseTemporary(tmp);
  };
  try {
    await once(stream, 'open');
  } catch (error) {
    await removeTmp();
    throw error;
  }
  return {
    stream,
    commit: async () => {
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      await checkReplaceableFile(path);
      await rename(tmp, path);
      releaseTemporary(tmp);
    },
    abort: async () => {
      stream.destroy();
      await removeTmp();
    },
  };
}

/** Writes a file under a temporary name and renames it into place: readers never see a partial file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await checkReplaceableFile(path);
  removeStaleTemporaries(path);
  const tmp = temporaryPath(path);
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
    releaseTemporary(tmp);
  }
}

async function checkReplaceableFolder(path: string, kind: OwnedFolderKind): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory() || !(await isReplaceableFolder(path, kind))) {
    throw new LettersError(
      `${path}: exists and is not a letters ${kind} folder (not empty, no ${OUTPUT_MARKER}); letters replaces only its own ` +
        'outputs: move it or choose another path',
      { kind: 'usage' },
    );
  }
}

/**
 * Builds a folder of `kind` under a temporary name, marks it as a letters output and renames it into
 * place when `fill` succeeds. What is at `path` is replaced only when it is empty or a letters output
 * of the same kind, and only after the new folder is complete.
 */
export async function writeDirAtomic(path: string, kind: OwnedFolderKind, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await checkReplaceableFolder(path, kind);
  removeStaleTemporaries(path);
  const tmp = temporaryPath(path);
  const old = temporaryPath(path);
  try {
    await mkdir(tmp);
    await fill(tmp);
    await writeFile(join(tmp, OUTPUT_MARKER), markerText(kind));
    // Checked again: the folder may have changed while `fill` ran (hours of training).
    await checkReplaceableFolder(path, kind);
    await rename(path, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
    releaseTemporary(tmp);
    releaseTemporary(old);
  }
}
