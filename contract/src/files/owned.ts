import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The file that marks a folder as a letters output of one kind (a model folder, a resume checkpoint,
 * a report...). Only such a folder, or an empty one, is ever replaced or removed by the toolkit.
 */
export const OUTPUT_MARKER = '.letters-output.json';

/** The kinds of folders letters writes whole. */
export type OwnedFolderKind = 'model' | 'checkpoint' | 'report' | 'page';

export const markerText = (kind: OwnedFolderKind): string => `${JSON.stringify({ kind })}\n`;

/** Whether `dir` (an existing folder) is empty or a letters output of `kind`, so replacing it loses nothing of the user's. */
export async function isReplaceableFolder(dir: string, kind: OwnedFolderKind): Promise<boolean> {
  const entries = await readdir(dir);
  if (entries.length === 0) return true;
  if (!entries.includes(OUTPUT_MARKER)) return false;
  try {
    return (JSON.parse(await readFile(join(dir, OUTPUT_MARKER), 'utf8')) as { kind?: unknown }).kind === kind;
  } catch {
    return false;
  }
}

/** Removes `dir` when it is a letters output of `kind`; anything else stays. */
export async function removeOwnedFolder(dir: string, kind: OwnedFolderKind): Promise<void> {
  const present = await readdir(dir).then(
    () => true,
    () => false,
  );
  if (present && (await isReplaceableFolder(dir, kind))) await rm(dir, { recursive: true, force: true });
}
