import { LettersError } from '@letters/contract';
import { createBrowserSession, type BrowserSessionOptions } from '../adapters/browser.ts';
import { ClassifierBase, type ClassifierOptions as CommonOptions } from './classifier.ts';
import { decodeBrowserImage, type BrowserImage } from './decode-browser.ts';
import type { PixelInput } from './inputs.ts';

/**
 * What `Classifier.classify` accepts in a browser, one image or many: pixels and model-ready images
 * (see `PixelInput`; a canvas's `ImageData` is pixels), or a picture the browser decodes (`Blob`/`File`,
 * `ImageBitmap`, `<img>`, canvas). Everything goes through the same preprocessing as in Node.
 */
export type ClassifierInput = PixelInput | BrowserImage;

export interface ClassifierOptions extends CommonOptions, BrowserSessionOptions {}

/**
 * A letters ONNX model on onnxruntime-web (WebAssembly) in a browser. The same API, preprocessing and
 * results as the Node entry's Classifier. Every method is safe to call concurrently.
 *
 * ```ts
 * const classifier = await Classifier.create('/models/tuned.onnx');
 * const [best] = await classifier.classify(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height));
 * console.log(best.label, best.probability);
 * ```
 */
export class Classifier extends ClassifierBase<ClassifierInput> {
  /** Loads an ONNX model from a URL, its bytes or a Blob (a file the user picked). */
  static async create(model: string | URL | Uint8Array | ArrayBuffer | Blob, options: ClassifierOptions = {}): Promise<Classifier> {
    const source = typeof model === 'string' || model instanceof URL ? String(model) : model instanceof Blob ? 'the ONNX file' : 'ONNX bytes';
    const opened = await ClassifierBase.open<ClassifierInput>({
      source,
      bytes: await modelBytes(model, source),
      options,
      openSession: (bytes, name) => createBrowserSession(bytes, name, options),
      decode: decodeBrowserImage,
    });
    return new Classifier(opened);
  }
}

async function modelBytes(model: string | URL | Uint8Array | ArrayBuffer | Blob, source: string): Promise<Uint8Array> {
  if (model instanceof Uint8Array) return model;
  if (model instanceof ArrayBuffer) return new Uint8Array(model);
  try {
    if (model instanceof Blob) return new Uint8Array(await model.arrayBuffer());
    const response = await fetch(model);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new LettersError(`${source}: cannot load the model (${(error as Error).message}); pass the URL of an .onnx file from \`letters export\``, {
      cause: error,
    });
  }
}
