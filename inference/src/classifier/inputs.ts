import pLimit from 'p-limit';
import { concatFloat32, IMAGE_SIZE, LettersError } from '@letters/contract';
import { PreprocessError, preprocessInto, type RawImage } from '../preprocess/index.ts';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** v / 255 for every byte: a table lookup converts a batch several times faster than dividing. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Images already in the model's layout, [count, 28, 28, 1] row-major, white ink on black:
 * a dataset's images (uint8 0-255, scaled by 1/255) or a float32 tensor in [0, 1] (used as is).
 * They skip the preprocessing: they are what the preprocessing produces.
 */
export interface ModelImages {
  readonly data: Uint8Array | Float32Array;
  readonly count: number;
}

/**
 * What every Classifier accepts, in Node and in browsers:
 * - `RawImage`: pixels of any size (gray, RGB, RGBA; a canvas `ImageData` as it is) -> the shared preprocessing;
 * - `ModelImages` or a bare `Float32Array` of 28x28 images: model-ready, no preprocessing.
 * Each entry adds what it can decode (Node: file paths and encoded bytes; browsers: Blobs, bitmaps, canvases).
 */
export type PixelInput = RawImage | ModelImages | Float32Array;

/** Model-ready float32 images: a copy only when the input is not float32 [0, 1] already. */
export function modelImages(images: ModelImages): Float32Array {
  const { data, count } = images;
  if (!Number.isInteger(count) || count < 0 || data.length !== count * PIXELS) {
    throw new LettersError(`model images: ${data.length} values for ${count} images of 28x28; pass count * 784 values`);
  }
  if (data instanceof Float32Array) return data;
  const floats = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) floats[i] = BYTE_TO_UNIT[data[i]!]!;
  return floats;
}

function isModelImages(input: object): input is ModelImages {
  return 'count' in input && 'data' in input && !('width' in input);
}

function isRawImage(input: object): input is RawImage {
  return 'width' in input && 'height' in input && 'data' in input;
}

/** Turns an input that is not pixels (a file, encoded bytes, a Blob, a canvas...) into pixels; `name` goes into errors. */
export type Decode<Input> = (input: Exclude<Input, PixelInput>, name: string) => Promise<RawImage>;

/** Inputs decoded at the same time per call: Node's sharp has a pool of 4 threads. */
const DECODE_CONCURRENCY = 8;

/** One input as model-ready images: as they are, or decoded and preprocessed. */
async function toFloat32<Input>(input: Input, index: number, decode: Decode<Input>): Promise<Float32Array> {
  if (input instanceof Float32Array) return modelImages({ data: input, count: input.length / PIXELS });
  if (typeof input === 'object' && input !== null && isModelImages(input)) return modelImages(input);
  const name = typeof input === 'string' ? input : `input ${index}`;
  const raw =
    typeof input === 'object' && input !== null && isRawImage(input) ? input : await decode(input as Exclude<Input, PixelInput>, name);
  const out = new Float32Array(PIXELS);
  try {
    preprocessInto(raw, out);
  } catch (error) {
    if (!(error instanceof PreprocessError)) throw error;
    throw new LettersError(`${name}: ${error.message}`, { cause: error });
  }
  return out;
}

/** One model-ready Float32Array for a list of inputs, decoding a few at a time. */
export async function toModelImages<Input>(
  inputs: readonly Input[],
  decode: Decode<Input>,
): Promise<{ images: Float32Array; count: number }> {
  const limit = pLimit(DECODE_CONCURRENCY);
  const images = concatFloat32(await Promise.all(inputs.map((input, i) => limit(() => toFloat32(input, i, decode)))));
  return { images, count: images.length / PIXELS };
}
