import { describe, expect, it } from 'vitest';
import {
  IMAGE_SIZE,
  INK_BOX,
  MARGIN,
  PreprocessError,
  preprocess,
  preprocessInto,
  type RawImage,
} from '@letters/inference/preprocess';

/** A gray canvas with an "L" of the given stroke, ink `ink` on `background` (0-255). */
function drawL(
  width: number,
  height: number,
  at: { x: number; y: number; w: number; h: number; stroke: number },
  ink = 255,
  background = 0,
): RawImage {
  const data = new Uint8Array(width * height).fill(background);
  for (let y = at.y; y < at.y + at.h; y++) {
    for (let x = at.x; x < at.x + at.w; x++) {
      if (x < at.x + at.stroke || y >= at.y + at.h - at.stroke) data[y * width + x] = ink;
    }
  }
  return { data, width, height, channels: 1 };
}

function inkBox(tensor: Float32Array): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = IMAGE_SIZE, y0 = IMAGE_SIZE, x1 = -1, y1 = -1;
  tensor.forEach((v, i) => {
    if (v <= 0) return;
    const x = i % IMAGE_SIZE, y = Math.floor(i / IMAGE_SIZE);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  });
  return { x0, x1, y0, y1 };
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('preprocess', () => {
  const letter = { x: 30, y: 20, w: 40, h: 60, stroke: 8 };

  it('gives the same tensor for dark-on-light and light-on-dark', () => {
    const light = preprocess(drawL(120, 100, letter, 255, 0));
    const dark = preprocess(drawL(120, 100, letter, 0, 255));
    expect(maxAbsDiff(light, dark)).toBeLessThan(1e-6);
    expect(Math.max(...light)).toBe(1);
  });

  it('reports the polarity it found', () => {
    const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    expect(preprocessInto(drawL(120, 100, letter, 0, 255), out).inverted).toBe(true);
    expect(preprocessInto(drawL(120, 100, letter, 255, 0), out).inverted).toBe(false);
  });

  it('centres a small letter from a corner of a big canvas, longer side filling the 24-px box', () => {
    const tensor = preprocess(drawL(800, 600, { x: 700, y: 10, w: 20, h: 40, stroke: 5 }));
    const box = inkBox(tensor);
    expect(box.y0).toBe(MARGIN);
    expect(box.y1).toBe(MARGIN + INK_BOX - 1);
    // 20 x 40 -> 12 x 24, centred horizontally: columns 8..19.
    expect(box.x0).toBe(MARGIN + 6);
    expect(box.x1).toBe(IMAGE_SIZE - 1 - box.x0);
  });

  it('is invariant to where and how large the letter is drawn (up to resampling)', () => {
    const a = preprocess(drawL(100, 100, { x: 5, y: 5, w: 24, h: 48, stroke: 6 }));
    const b = preprocess(drawL(300, 200, { x: 200, y: 120, w: 24, h: 48, stroke: 6 }));
    expect(maxAbsDiff(a, b)).toBe(0);
    const c = preprocess(drawL(300, 300, { x: 40, y: 40, w: 48, h: 96, stroke: 12 }));
    expect(maxAbsDiff(a, c)).toBeLessThan(1e-6);
  });

  it('reads RGBA with transparency (canvas ImageData) like the gray image', () => {
    const gray = drawL(64, 64, { x: 10, y: 8, w: 30, h: 44, stroke: 6 });
    const rgba = new Uint8ClampedArray(64 * 64 * 4);
    // Black strokes on a transparent canvas, as a drawing app leaves them.
    gray.data.forEach((v, p) => rgba.set(v > 0 ? [0, 0, 0, 255] : [0, 0, 0, 0], p * 4));
    const fromCanvas = preprocess({ data: rgba, width: 64, height: 64 });
    expect(maxAbsDiff(fromCanvas, preprocess(gray))).toBeLessThan(1e-6);
    // White strokes on a transparent canvas work as well.
    gray.data.forEach((v, p) => rgba.set(v > 0 ? [255, 255, 255, 255] : [255, 255, 255, 0], p * 4));
    expect(maxAbsDiff(preprocess({ data: rgba, width: 64, height: 64 }), preprocess(gray))).toBeLessThan(1e-6);
  });

  it('accepts float images in [0, 1] like uint8 ones', () => {
    const u8 = drawL(50, 50, { x: 10, y: 5, w: 20, h: 40, stroke: 4 });
    const f32 = { ...u8, data: Float32Array.from(u8.data, (v) => v / 255) };
    expect(maxAbsDiff(preprocess(u8), preprocess(f32))).toBeLessThan(1e-6);
  });

  it('maps a blank or flat image to zeros and says so', () => {
    const out = new Float32Array(IMAGE_SIZE * IMAGE_SIZE).fill(7);
    const info = preprocessInto({ data: new Uint8Array(40 * 30).fill(200), width: 40, height: 30 }, out);
    expect(info.blank).toBe(true);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('ignores faint noise when cropping', () => {
    const image = drawL(100, 100, { x: 40, y: 30, w: 20, h: 40, stroke: 5 });
    const noisy = Uint8Array.from(image.data, (v, i) => (v === 0 && i % 7 === 0 ? 25 : v));
    const box = inkBox(preprocess({ ...image, data: noisy }));
    expect(box.y1 - box.y0 + 1).toBe(INK_BOX);
  });

  it('writes into a batch at an offset without touching the neighbours', () => {
    const batch = new Float32Array(3 * IMAGE_SIZE * IMAGE_SIZE).fill(-1);
    preprocessInto(drawL(40, 40, { x: 5, y: 5, w: 20, h: 30, stroke: 4 }), batch, IMAGE_SIZE * IMAGE_SIZE);
    expect(batch[IMAGE_SIZE * IMAGE_SIZE - 1]).toBe(-1);
    expect(batch[2 * IMAGE_SIZE * IMAGE_SIZE]).toBe(-1);
    expect(Math.max(...batch.subarray(IMAGE_SIZE * IMAGE_SIZE, 2 * IMAGE_SIZE * IMAGE_SIZE))).toBe(1);
  });

  it.each([
    ['zero width', { data: new Uint8Array(0), width: 0, height: 10 }],
    ['fractional size', { data: new Uint8Array(10), width: 2.5, height: 4 }],
    ['data too short', { data: new Uint8Array(99), width: 10, height: 10, channels: 1 as const }],
    ['5 values per pixel', { data: new Uint8Array(500), width: 10, height: 10 }],
    ['too many pixels', { data: new Uint8Array(1), width: 100_000, height: 100_000 }],
  ])('rejects %s', (_name, image) => {
    expect(() => preprocess(image)).toThrow(PreprocessError);
  });
});
