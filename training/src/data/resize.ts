import sharp, { type Sharp } from 'sharp';
import { LettersError } from '../common/index.ts';
import type { ImageSet } from './types.ts';

/** Where the resized image sits inside the padded target, computed as `tf.image.resize_with_pad` does. */
export interface PadGeometry {
  readonly resizedHeight: number;
  readonly resizedWidth: number;
  /** Rows of zeros above; the rest of the padding goes below. */
  readonly top: number;
  /** Columns of zeros on the left; the rest goes on the right. */
  readonly left: number;
}

const f32 = Math.fround;

/**
 * The geometry of TensorFlow's `resize_with_pad` (image_ops_impl.py), in float32 like TF: the scale
 * keeps the aspect ratio, sizes are floored, and the padding before is floor(slack / 2), so a
 * 20x16 image becomes 28x22 with 2 columns on the left and 4 on the right.
 */
export function padGeometry(height: number, width: number, targetHeight: number, targetWidth: number): PadGeometry {
  const ratio = Math.max(f32(f32(width) / f32(targetWidth)), f32(f32(height) / f32(targetHeight)));
  const heightFloat = f32(height / ratio);
  const widthFloat = f32(width / ratio);
  return {
    resizedHeight: Math.floor(heightFloat),
    resizedWidth: Math.floor(widthFloat),
    top: Math.max(0, Math.floor(f32(f32(targetHeight - heightFloat) / 2))),
    left: Math.max(0, Math.floor(f32(f32(targetWidth - widthFloat) / 2))),
  };
}

/**
 * Resizes one grayscale image (row-major, `height * width` values) to fit `targetHeight x
 * targetWidth` with its aspect ratio kept, and pads with zeros: `tf.image.resize_with_pad` with
 * bilinear interpolation (half-pixel centres, no antialiasing), computed in float32 step by step as
 * TensorFlow's CPU kernel does. Values keep the input's scale (0-255 in, 0-255 out).
 */
export function resizeWithPad(
  image: Uint8Array | Float32Array,
  height: number,
  width: number,
  targetHeight: number,
  targetWidth: number,
): Float32Array {
  checkSizes(image.length, height, width, targetHeight, targetWidth);
  const g = padGeometry(height, width, targetHeight, targetWidth);
  const rows = interpolationWeights(height, g.resizedHeight);
  const cols = interpolationWeights(width, g.resizedWidth);
  const out = new Float32Array(targetHeight * targetWidth);
  for (let y = 0; y < g.resizedHeight; y++) {
    const upper = rows.lower[y] * width;
    const lower = rows.upper[y] * width;
    const yLerp = rows.lerp[y];
    for (let x = 0; x < g.resizedWidth; x++) {
      const left = cols.lower[x];
      const right = cols.upper[x];
      const xLerp = cols.lerp[x];
      const top = f32(image[upper + left] + f32(f32(image[upper + right] - image[upper + left]) * xLerp));
      const bottom = f32(image[lower + left] + f32(f32(image[lower + right] - image[lower + left]) * xLerp));
      out[(g.top + y) * targetWidth + g.left + x] = f32(top + f32(f32(bottom - top) * yLerp));
    }
  }
  return out;
}

/**
 * `resizeWithPad` over a whole set, rounded back to uint8. Pixels must already be 0-255: Binary
 * AlphaDigits stores ink as 1, so its loader scales 0/1 to 0/255 first and resizes after (resizing
 * 0/1 and rounding would lose every grey level the interpolation makes).
 */
export function resizeImageSetWithPad(set: ImageSet, targetHeight: number, targetWidth: number): ImageSet {
  const size = set.height * set.width;
  const images = new Uint8Array(set.count * targetHeight * targetWidth);
  for (let i = 0; i < set.count; i++) {
    const resized = resizeWithPad(set.images.subarray(i * size, (i + 1) * size), set.height, set.width, targetHeight, targetWidth);
    // Uint8Array.set would truncate; round to nearest and clamp.
    for (let p = 0; p < resized.length; p++) {
      images[i * resized.length + p] = Math.min(255, Math.max(0, Math.round(resized[p])));
    }
  }
  return { ...set, images, height: targetHeight, width: targetWidth };
}

/** Grey pixels already in memory, for `resizeImageFileWithPad`. */
export interface RawGreyImage {
  readonly pixels: Uint8Array;
  readonly height: number;
  readonly width: number;
}

/**
 * The same resize-with-pad through sharp (libvips's affine transform with its bilinear
 * interpolator, edges clamped as TensorFlow does) for image files or encoded bytes (PNG, JPEG, ...
 * as sharp reads them; EXIF orientation applied; transparency flattened onto the background) or raw
 * grey pixels. Returns `targetHeight * targetWidth` uint8 grey values. `invert` turns dark ink on a
 * light background into light on dark before padding with zeros.
 */
export async function resizeImageFileWithPad(
  input: string | Uint8Array | RawGreyImage,
  targetHeight: number,
  targetWidth: number,
  options: { invert?: boolean } = {},
): Promise<Uint8Array> {
  const grey =
    input instanceof Uint8Array || typeof input === 'string' ? await decodeGrey(input, options.invert ? '#ffffff' : '#000000') : input;
  checkSizes(grey.pixels.length, grey.height, grey.width, targetHeight, targetWidth);
  const g = padGeometry(grey.height, grey.width, targetHeight, targetWidth);
  const raw = (pixels: Uint8Array, height: number, width: number) => sharp(pixels, { raw: { width, height, channels: 1 } });
  const toGrey = async (image: Sharp) => new Uint8Array(await image.toColourspace('b-w').raw().toBuffer());
  // libvips samples outside the image as background, TensorFlow clamps to the edge: add a border
  // of copied edge pixels first. sharp orders operations itself, hence one pipeline per step.
  const bordered = await toGrey(
    raw(grey.pixels, grey.height, grey.width).extend({ top: 1, bottom: 1, left: 1, right: 1, extendWith: 'copy' }),
  );
  // Bilinear with half-pixel centres: output x maps to input (x + 0.5) / s - 0.5, shifted by the border.
  const sx = g.resizedWidth / grey.width;
  const sy = g.resizedHeight / grey.height;
  let scaled = raw(bordered, grey.height + 2, grey.width + 2).affine([sx, 0, 0, sy], {
    interpolator: sharp.interpolators.bilinear,
    odx: -0.5 * sx - 0.5,
    ody: -0.5 * sy - 0.5,
  });
  if (options.invert) scaled = scaled.negate();
  const { data, info } = await scaled.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return toGrey(
    raw(new Uint8Array(data.buffer, data.byteOffset, data.length), info.height, info.width)
      .extract({ left: 0, top: 0, width: g.resizedWidth, height: g.resizedHeight })
      .extend({
        top: g.top,
        left: g.left,
        bottom: targetHeight - g.resizedHeight - g.top,
        right: targetWidth - g.resizedWidth - g.left,
        background: '#000000',
      }),
  );
}

async function decodeGrey(input: string | Uint8Array, background: string): Promise<RawGreyImage> {
  try {
    const { data, info } = await sharp(input)
      .autoOrient()
      .flatten({ background })
      .greyscale()
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
  } catch (error) {
    const name = typeof input === 'string' ? input : 'image bytes';
    throw new LettersError(`${name}: cannot read the image (${(error as Error).message}); use a PNG, JPEG, WebP, GIF or TIFF file`, {
      cause: error,
    });
  }
}

/**
 * TensorFlow's bilinear weights with half-pixel centres (resize_bilinear_op.cc): source coordinate
 * (x + 0.5) * scale - 0.5 in float32, neighbours clamped to the image.
 */
function interpolationWeights(inSize: number, outSize: number) {
  const scale = f32(inSize / outSize);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const source = f32(f32(f32(i + 0.5) * scale) - 0.5);
    const floor = Math.floor(source);
    lower[i] = Math.max(floor, 0);
    upper[i] = Math.min(Math.ceil(source), inSize - 1);
    lerp[i] = source - floor;
  }
  return { lower, upper, lerp };
}

function checkSizes(length: number, height: number, width: number, targetHeight: number, targetWidth: number): void {
  for (const [name, value] of Object.entries({ height, width, targetHeight, targetWidth })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`resizeWithPad: ${name} = ${value}; use a positive integer`);
  }
  if (length !== height * width) {
    throw new RangeError(`resizeWithPad: ${length} pixels given for a ${height}x${width} image (${height * width})`);
  }
}
