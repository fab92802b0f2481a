import { LettersError } from '@letters/contract';
import type { RawImage } from '../preprocess/index.ts';

/** Pictures a browser decodes: an image file (`Blob`, `File`), a decoded bitmap, an `<img>` or a canvas. */
export type BrowserImage = Blob | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas;

/** The size a picture is drawn at: an `<img>` at its natural size. */
function sizeOf(image: Exclude<BrowserImage, Blob>): { width: number; height: number } {
  return 'naturalWidth' in image ? { width: image.naturalWidth, height: image.naturalHeight } : image;
}

/**
 * The pixels of a picture, as the browser decodes them: the original colours of an image file (no
 * premultiplied alpha, no colour-space conversion, so they match what Node's decoders read from the
 * same file) drawn 1:1 onto a canvas.
 */
export async function decodeBrowserImage(input: BrowserImage, name: string): Promise<RawImage> {
  let bitmap: ImageBitmap | undefined;
  try {
    if (input instanceof Blob) bitmap = await createImageBitmap(input, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const image = bitmap ?? (input as Exclude<BrowserImage, Blob>);
    const { width, height } = sizeOf(image);
    if (width === 0 || height === 0) throw new Error('it has no pixels (not loaded yet?)');
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas in this browser');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, width, height);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LettersError(`${name}: cannot read the image (${reason})`, { cause: error });
  } finally {
    bitmap?.close();
  }
}
