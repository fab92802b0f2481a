import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The environment variable naming the data directory when `--data-dir` is not given. */
export const DATA_DIR_ENV = 'LETTERS_DATA_DIR';

/** The data directory: `--data-dir` > `LETTERS_DATA_DIR` > `./data`, as an absolute path (an empty variable counts as unset). */
export function resolveDataDir(option?: string): string {
  return resolve(option ?? (process.env[DATA_DIR_ENV] || 'data'));
}

/**
 * The folders searched for a dataset's files, in order: the data directory itself (a flat folder)
 * and the given subfolders of it (the layout of ../shared/data: emnist-byclass/, emnist-letters/,
 * binaryalphadigits/, and gzip/ as the official archive extracts).
 */
export function searchDirs(dataDir: string, subfolders: readonly string[]): string[] {
  return [dataDir, ...subfolders.map((sub) => join(dataDir, sub))];
}

/** The first existing file among `names` in `dirs` (all names in the first dir, then the next dir). */
export function findFile(dirs: readonly string[], names: readonly string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of names) {
      const path = join(dir, name);
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return undefined;
}

/** "a, b or c" for messages. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
