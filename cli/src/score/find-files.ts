import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LettersError } from '@letters/contract';
import { printableName } from './rows.ts';

/** The files to score, and the paths that cannot be (with why), each reported once. */
export interface FoundFiles {
  readonly files: string[];
  /** `<path>: <reason>` lines, for the failures list. */
  readonly problems: string[];
}

/** Bytes of a name that are not UTF-8, as \xNN escapes (the name cannot be shown or passed on as it is). */
function escapeBytes(name: Buffer): string {
  let text = '';
  for (let i = 0; i < name.length; ) {
    const length = name[i]! < 0x80 ? 1 : name[i]! >> 5 === 6 ? 2 : name[i]! >> 4 === 14 ? 3 : name[i]! >> 3 === 30 ? 4 : 0;
    const part = length > 0 ? name.subarray(i, i + length) : undefined;
    if (part && part.length === length && Buffer.from(part.toString('utf8')).equals(part)) {
      text += part.toString('utf8');
      i += length;
    } else {
      text += `\\x${name[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return text;
}

class Collector {
  readonly files: string[] = [];
  readonly problems: string[] = [];
  /** Real paths of the files and folders taken. */
  readonly seen = new Set<string>();
  /** Paths met, duplicates included: an argument that meets none matches nothing. */
  met = 0;

  problem(path: string, reason: string): void {
    this.met++;
    this.problems.push(`${printableName(path)}: ${reason}`);
  }

  /** A path named by an argument, a glob or a folder: taken when it is (or links to) a regular file. */
  async add(path: string): Promise<void> {
    const link = await lstat(path).catch(() => undefined);
    if (link === undefined) return this.problem(path, 'no such file');
    const info = link.isSymbolicLink() ? await stat(path).catch((error: NodeJS.ErrnoException) => error) : link;
    if (info instanceof Error) return this.problem(path, info.code === 'ELOOP' ? 'a symbolic link loop' : 'a broken symbolic link');
    if (info.isDirectory()) return this.walk(path);
    if (!info.isFile()) return this.problem(path, `${info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device'}, not a regular file`);
    // Each file once, however many links or arguments lead to it.
    this.met++;
    const real = await realpath(path);
    if (!this.seen.has(real)) this.files.push(path);
    this.seen.add(real);
  }

  /** Every non-hidden entry below a folder; a folder reached again through a link is not walked twice. */
  async walk(dir: string): Promise<void> {
    const real = await realpath(dir);
    if (this.seen.has(real)) {
      this.met++;
      return;
    }
    this.seen.add(real);
    const names = await readdir(dir, { encoding: 'buffer' });
    for (const raw of names.sort(Buffer.compare)) {
      const name = raw.toString('utf8');
      if (name.startsWith('.')) continue;
      if (!Buffer.from(name).equals(raw)) {
        this.problem(join(dir, escapeBytes(raw)), 'the file name is not valid UTF-8; rename the file');
        continue;
      }
      await this.add(join(dir, name));
    }
  }
}

/**
 * The files named by the command line, sorted and without duplicates: a file is taken as it is, a
 * directory contributes every non-hidden file below it (non-images are reported as failures later, so
 * nothing is skipped silently), anything else is a glob (tinyglobby, e.g. 'scans/**\/*.png'). Only
 * regular files are read: a device, FIFO, socket, link loop or a name that is not UTF-8 is a problem
 * with its reason. An argument matching nothing is a LettersError: a typo should not score zero files quietly.
 */
export async function findImageFiles(args: readonly string[]): Promise<FoundFiles> {
  const found = new Collector();
  for (const arg of args) {
    const exists = await lstat(arg).then(
      () => true,
      () => false,
    );
    const before = found.met;
    if (exists) await found.add(arg);
    else if (isDynamicPattern(arg)) {
      for (const file of await glob(arg, { onlyFiles: false, dot: false, expandDirectories: false, absolute: isAbsolute(arg) })) await found.add(file);
    } else throw new LettersError(`${arg}: no such file or directory; pass image files, directories or quoted globs`, { kind: 'usage' });
    if (found.met === before) {
      throw new LettersError(`${arg}: matches no files; check the path or the glob (quote it so the shell does not expand it)`, { kind: 'usage' });
    }
  }
  return { files: found.files.sort(), problems: found.problems };
}
