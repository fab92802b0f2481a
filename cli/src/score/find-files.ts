import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { LettersError } from '@letters/contract';

/**
 * The files named by the command line, sorted and without duplicates: a file is taken as it is, a
 * directory contributes every non-hidden file below it (non-images are reported as failures later, so
 * nothing is skipped silently), anything else is a glob (tinyglobby, e.g. 'scans/**\/*.png').
 * An argument matching nothing is a LettersError: a typo should not score zero files quietly.
 */
export async function findImageFiles(args: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    let matches: string[];
    if (info?.isFile()) matches = [arg];
    else if (info?.isDirectory()) matches = (await glob('**/*', { cwd: arg, onlyFiles: true, dot: false })).map((f) => join(arg, f));
    else if (isDynamicPattern(arg)) matches = await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false, absolute: isAbsolute(arg) });
    else throw new LettersError(`${arg}: no such file or directory; pass image files, directories or quoted globs`, { kind: 'usage' });
    if (matches.length === 0) {
      throw new LettersError(`${arg}: matches no files; check the path or the glob (quote it so the shell does not expand it)`, { kind: 'usage' });
    }
    for (const file of matches) found.add(file);
  }
  return [...found].sort();
}
