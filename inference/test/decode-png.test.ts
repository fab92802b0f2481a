import { PNG } from 'pngjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LettersError } from '@letters/contract';
import { decodeImage } from '@letters/inference';
import { toGray } from '@letters/inference/preprocess';
import { decodeSmallPng, MAX_INLINE_PNG_PIXELS } from '../src/classifier/decode-png.ts';

const WIDTH = 20;
const HEIGHT = 12;

/** A letter-like RGBA image: a dark, partly transparent stroke on a light, varied background. */
function rgbaPixels(width = WIDTH, height = HEIGHT): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const stroke = Math.abs(x - y) < 2;
      data[i] = stroke ? 10 : 200 + ((x * 7) % 50);
      data[i + 1] = stroke ? 20 : 190 + ((y * 5) % 60);
      data[i + 2] = stroke ? 30 : 230;
      data[i + 3] = x < 3 ? 0 : stroke ? 255 : 180 + x;
    }
  }
  return data;
}

const fromRgba = (options: { channels?: 1 | 3 | 4 } = {}) => {
  const image = sharp(rgbaPixels(), { raw: { width: WIDTH, height: HEIGHT, channels: 4 } });
  if (options.channels === 1) return image.removeAlpha().toColourspace('b-w');
  if (options.channels === 3) return image.removeAlpha();
  return image;
};

/** PNG flavours a scanner, a phone or a drawing program writes, with their IHDR colour type. */
const flavours: Record<string, { png: () => Promise<Buffer>; colourType: number; bitDepth?: number }> = {
  'gray 8-bit': { png: () => fromRgba({ channels: 1 }).png().toBuffer(), colourType: 0 },
  'gray + alpha': {
    png: async () => {
      const png = new PNG({ width: WIDTH, height: HEIGHT, colorType: 4 });
      png.data = rgbaPixels();
      return PNG.sync.write(png, { colorType: 4 });
    },
    colourType: 4,
  },
  'RGB': { png: () => fromRgba({ channels: 3 }).png().toBuffer(), colourType: 2 },
  'RGBA': { png: () => fromRgba().png().toBuffer(), colourType: 6 },
  'palette 8-bit with transparency': { png: () => fromRgba().png({ palette: true }).toBuffer(), colourType: 3 },
  'palette 1-bit (two colours)': {
    png: () => fromRgba({ channels: 3 }).png({ palette: true, colours: 2 }).toBuffer(),
    colourType: 3,
    bitDepth: 1,
  },
  'interlaced (Adam7)': { png: () => fromRgba({ channels: 1 }).png({ progressive: true }).toBuffer(), colourType: 0 },
};

async function sharpGray(png: Buffer): Promise<Float32Array> {
  const { data, info } = await sharp(png).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return toGray({ data, width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 });
}

describe('small PNGs decoded inline (pngjs)', () => {
  for (const [name, { png, colourType, bitDepth = 8 }] of Object.entries(flavours)) {
    it(`${name}: the same luminance as sharp's decode`, async () => {
      const bytes = await png();
      expect([bytes[24], bytes[25]], 'IHDR bit depth and colour type of the test file').toEqual([bitDepth, colourType]);
      const image = decodeSmallPng(bytes, Infinity);
      expect(image).toBeDefined();
      expect([image!.width, image!.height]).toEqual([WIDTH, HEIGHT]);
      const inline = toGray(image!);
      const reference = await sharpGray(bytes);
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(inline[i]! - reference[i]!));
      expect(worst).toBeLessThan(1e-6);
    });
  }

  it('leaves 16-bit, EXIF-oriented, large, over-limit, corrupt and non-PNG files to sharp', async () => {
    const gray = fromRgba({ channels: 1 });
    const sixteenBit = await gray.clone().toColourspace('grey16').png().toBuffer();
    const rotated = await gray.clone().withMetadata({ orientation: 6 }).png().toBuffer();
    const side = Math.sqrt(MAX_INLINE_PNG_PIXELS) + 1;
    const large = await sharp(Buffer.alloc(side * side), { raw: { width: side, height: side, channels: 1 } }).png().toBuffer();
    const plain = await gray.clone().png().toBuffer();
    const corrupt = Buffer.from(plain);
    corrupt[corrupt.length - 20] ^= 0xff;
    const jpeg = await gray.clone().jpeg().toBuffer();

    expect(decodeSmallPng(plain, Infinity)).toBeDefined();
    expect(decodeSmallPng(plain, WIDTH * HEIGHT - 1)).toBeUndefined();
    for (const bytes of [sixteenBit, rotated, large, corrupt, jpeg]) expect(decodeSmallPng(bytes, Infinity)).toBeUndefined();

    // What sharp then does: decode 16-bit, apply the orientation, report the corrupt file and the limit.
    expect((await decodeImage(sixteenBit)).width).toBe(WIDTH);
    const upright = await decodeImage(rotated);
    expect([upright.width, upright.height]).toEqual([HEIGHT, WIDTH]);
    await expect(decodeImage(corrupt, {}, 'bad.png')).rejects.toThrow(LettersError);
    await expect(decodeImage(plain, { maxPixels: 100 }, 'big.png')).rejects.toThrow(/big\.png: cannot read the image \(.*pixel/);
  });
});
