import { access, constants, lstat, open, realpath, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LettersError } from '../errors.ts';
import { isReplaceableFolder, OUTPUT_MARKER, type OwnedFolderKind } from './owned.ts';

/**
 * What a command writes at a path:
 * - `file`: one file, replaced atomically; an existing file is replaced only when `recognise` says it
 *   is a previous output of the same kind (`of` names that kind in messages);
 * - `folder`: a folder replaced whole (a model folder); an existing one only when it is empty or
 *   carries the letters marker of the same kind;
 * - `collection`: a folder the command adds named outputs to (tune, pipeline, evaluate): it may exist.
 */
export type OutputShape =
  | { readonly kind: 'file'; readonly of: string; readonly recognise: (path: string) => Promise<boolean> }
  | { readonly kind: 'folder'; readonly of: OwnedFolderKind }
  | { readonly kind: 'collection' };

export interface OutputCheckOptions {
  /** The option naming the output, for messages (e.g. `--out`). */
  readonly option?: string;
  /** The command's inputs: the output may be none of them, nor (for a folder) hold one. */
  readonly inputs?: readonly string[];
}

// Kernel pseudo filesystems (statfs magic numbers): proc, sysfs, devpts, cgroup, cgroup2, debugfs,
// tracefs, securityfs, bpf, configfs, pstore, efivarfs. Writing there changes the system or hangs.
const PSEUDO_FILESYSTEMS = new Set([
  0x9fa0, 0x62656572, 0x1cd1, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673, 0xcafe4a11, 0x62656570, 0x6165676c, 0xde5e81e4,
]);
// /dev is a tmpfs to statfs, yet its entries are devices (its shm folder is ordinary memory).
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];
const isUnder = (path: string, folder: string) => path === folder || path.startsWith(`${folder}${sep}`);

async function onPseudoFilesystem(real: string): Promise<boolean> {
  if (SYSTEM_FOLDERS.some((folder) => isUnder(real, folder)) && !isUnder(real, '/dev/shm')) return true;
  const info = await statfs(real).catch(() => undefined);
  return info !== undefined && PSEUDO_FILESYSTEMS.has(info.type);
}

/** The nearest existing folder above `path`, by its real path; refused when it is not a writable folder on a real filesystem. */
async function checkParent(path: string, refuse: (problem: string) => LettersError): Promise<string> {
  let dir = dirname(path);
  for (;;) {
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
    if (info instanceof Error) throw refuse(`cannot be written (${dir}: ${info.code ?? info.message})`);
    if (info !== undefined) {
      if (!info.isDirectory()) throw refuse(`cannot be created: ${dir} is a file, not a folder`);
      const real = await realpath(dir);
      if (await onPseudoFilesystem(real)) throw refuse(`is on a system pseudo filesystem (${real}); choose a folder on a disk`);
      await access(real, constants.W_OK).catch(() => {
        throw refuse(`cannot be written: ${dir} is not writable`);
      });
      return real;
    }
    const up = dirname(dir);
    if (up === dir) throw refuse('has no existing folder above it');
    dir = up;
  }
}

/** The real path an output has, or will have once its missing folders are created. */
async function plannedRealPath(path: string, existingParent: string): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  // The part below the nearest existing folder does not exist yet, so no link can redirect it.
  let dir = dirname(path);
  while (!(await stat(dir).catch(() => undefined))) dir = dirname(dir);
  return join(existingParent, relative(dir, path));
}

/**
 * Refuses, before any work starts, an output location that would damage something: an empty path,
 * a path below a file or on a system pseudo filesystem (/proc, /sys, /dev), a device, FIFO, socket or
 * link where a file or folder goes, an existing file or folder that is not a previous letters output
 * of the same kind, or one of the command's inputs. Each refusal is one line naming the path.
 */
export async function checkOutput(path: string, shape: OutputShape, options: OutputCheckOptions = {}): Promise<void> {
  const name = options.option ?? 'output';
  if (path.trim() === '') throw new LettersError(`${name}: an empty path; name the ${shape.kind === 'file' ? 'file' : 'folder'} to write`, { kind: 'usage' });
  const label = options.option ? `${options.option} ${path}` : path;
  const refuse = (problem: string) => new LettersError(`${label}: ${problem}`, { kind: 'usage' });
  const absolute = resolve(path);
  const parent = await checkParent(absolute, refuse);
  const link = await lstat(absolute).catch(() => undefined);
  if (link?.isSymbolicLink() && shape.kind !== 'collection') {
    throw refuse('is a symbolic link; letters writes only its own files and folders, so name the real path or a new one');
  }
  const info = link === undefined ? undefined : await stat(absolute).catch(() => undefined);
  if (link !== undefined && info === undefined) throw refuse('is a broken symbolic link; choose another path');
  if (info !== undefined) {
    if (!info.isFile() && !info.isDirectory()) throw refuse('is a device, FIFO or socket, not a file or folder; choose another path');
    if (shape.kind === 'file') {
      if (info.isDirectory()) throw refuse('is a folder; name a file (inside it or elsewhere)');
      if (!(await shape.recognise(absolute))) {
        throw refuse(`exists and is not ${shape.of}; letters replaces only its own outputs: move the file or choose another path`);
      }
    } else if (!info.isDirectory()) {
      throw refuse('exists and is a file; name a folder');
    } else if (shape.kind === 'folder' && !(await isReplaceableFolder(absolute, shape.of))) {
      throw refuse(
        `is a folder letters did not write (not empty, no ${OUTPUT_MARKER} of a ${shape.of}); letters replaces only its own ` +
          `${shape.of} folders: choose a new or empty folder`,
      );
    }
  }
  const planned = await plannedRealPath(absolute, parent);
  for (const input of options.inputs ?? []) {
    const real = await realpath(input).catch(() => resolve(input));
    const inside = shape.kind === 'folder' && !relative(planned, real).startsWith('..') && !isAbsolute(relative(planned, real));
    if (real === planned || inside) throw refuse(`is ${real === planned ? '' : 'a folder holding '}an input of this command (${input}); write the output elsewhere`);
  }
}

/** The first bytes of a file (at most `length`), for recognising a previous output by its header. */
export async function readHead(path: string, length: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
