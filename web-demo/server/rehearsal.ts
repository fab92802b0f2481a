import { REHEARSAL_IMAGES } from '@letters/export/personalize';
import { loadDataset } from '@letters/training';

/**
 * The toolkit's generated letters (the `fixtures` dataset, all 26 evenly), which Teach mode rehearses
 * so a fine-tune on a few drawings leaves the other letters alone. Synthetic and shipped with the
 * toolkit: no user's data, and nothing to download.
 */
export async function generatedLetters(): Promise<Uint8Array> {
  const { train } = await loadDataset('fixtures', { limit: REHEARSAL_IMAGES });
  return train.images;
}
