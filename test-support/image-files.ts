import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageSet } from '@letters/training';

/**
 * Writes images of a set as files the way scanners and phones give them: dark ink on white, enlarged
 * to 56x56 (PNG, or JPEG for every `jpegEvery`-th). Returns the paths in set order.
 */
export async function writeImageFiles(set: ImageSet, dir: string, count: number, jpegEvery = 0): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = set.images.subarray(i * 784, (i + 1) * 784).map((v) => 255 - v);
    const image = sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).resize(56, 56);
    const jpeg = jpegEvery > 0 && i % jpegEvery === jpegEvery - 1;
    const path = join(dir, `${String(i).padStart(5, '0')}-${set.classNames[set.labels[i]!]}.${jpeg ? 'jpg' : 'png'}`);
    await writeFile(path, await (jpeg ? image.jpeg({ quality: 95 }) : image.png()).toBuffer());
    paths.push(path);
  }
  return paths;
}
