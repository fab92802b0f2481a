import { LettersError, MAX_ONNX_BYTES } from '@letters/contract';
import { readRegularFile } from '@letters/contract/node';
import { createSession, type Runtime } from '../adapters/index.ts';
import { ClassifierBase, type ClassifierOptions as CommonOptions } from './classifier.ts';
import { decodeImage, type DecodeLimits } from './decode.ts';
import type { PixelInput } from './inputs.ts';

/**
 * What `Classifier.classify` accepts in Node, one image or many: pixels and model-ready images (see
 * `PixelInput`), an image file path (`string`), or encoded image bytes (`Uint8Array`, `Buffer`: PNG,
 * JPEG, WebP, TIFF, GIF). Files and bytes are decoded (small PNGs by pngjs, everything else by sharp),
 * then go through the shared preprocessing.
 */
export type ClassifierInput = PixelInput | string | Uint8Array;

export interface ClassifierOptions extends CommonOptions {
  /** 'node' (onnxruntime-node, default) or 'web' (onnxruntime-web's WebAssembly backend in Node). */
  readonly runtime?: Runtime;
  /** Limits for the files and buffers it decodes. */
  readonly decode?: DecodeLimits;
}

/**
 * A letters ONNX model on onnxruntime-node (or onnxruntime-web in Node). Every method is safe to call
 * concurrently: session runs are queued, and images of concurrent calls share runs of up to `maxBatch` images.
 *
 * ```ts
 * const classifier = await Classifier.create('models/tuned.onnx');
 * const [best] = await classifier.classify('scan.png', { topK: 3 });
 * console.log(best.label, best.probability, best.topK);
 * await classifier.close();
 * ```
 */
export class Classifier extends ClassifierBase<ClassifierInput> {
  /** Loads an ONNX model (a file path or its bytes) on the chosen runtime. */
  static async create(model: string | Uint8Array, options: ClassifierOptions = {}): Promise<Classifier> {
    const runtime = options.runtime ?? 'node';
    const limits = options.decode ?? {};
    const opened = await ClassifierBase.open<ClassifierInput>({
      source: typeof model === 'string' ? model : 'ONNX bytes',
      bytes: typeof model === 'string' ? await readModelFile(model) : model,
      options,
      openSession: (bytes, source) => createSession(runtime, bytes, source, options),
      decode: (input, name) => decodeImage(input, limits, name),
    });
    return new Classifier(opened);
  }
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readRegularFile(path, MAX_ONNX_BYTES, 'model file');
  } catch (error) {
    throw new LettersError(`${(error as Error).message}; pass an .onnx file from \`letters export\``, { cause: error });
  }
}
