import sharp from 'sharp';
import { CHART_FONT } from './render.ts';

export interface ImageGridOptions {
  /** `count * height * width` grey pixels, row-major, one image after the other. */
  readonly images: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** Text under each image (e.g. its label); lines split on '\n'. Omit for no captions. */
  readonly captions?: readonly string[];
  /** Images per row (default: a near-square grid). */
  readonly columns?: number;
  /** Screen pixels per image pixel, nearest neighbour (default 3: 28x28 becomes 84x84). */
  readonly scale?: number;
  /** A line of text above the grid. */
  readonly title?: string;
}

const GAP = 6;
const FONT_SIZE = 13;
const LINE_HEIGHT = 16;
const BACKGROUND = 0xf2;

/**
 * A PNG of images side by side, each scaled up without smoothing so every pixel shows, with its
 * caption underneath: for checking by eye that images are upright and labels right.
 */
export async function imageGrid(options: ImageGridOptions): Promise<Uint8Array> {
  const { images, height, width } = options;
  const size = height * width;
  if (size === 0 || images.length % size !== 0) {
    throw new RangeError(`imageGrid: ${images.length} pixels is not a whole number of ${height}x${width} images`);
  }
  const count = images.length / size;
  if (count === 0) throw new RangeError('imageGrid: no images');
  const scale = options.scale ?? 3;
  const columns = Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count)));
  const rows = Math.ceil(count / columns);
  const lines = Math.max(0, ...(options.captions ?? []).map((c) => c.split('\n').length));
  const titleHeight = options.title ? LINE_HEIGHT + GAP : 0;
  const cellWidth = Math.max(width * scale, 40);
  const cellHeight = height * scale + lines * LINE_HEIGHT;
  const canvasWidth = GAP + columns * (cellWidth + GAP);
  const canvasHeight = titleHeight + GAP + rows * (cellHeight + GAP);

  const canvas = new Uint8Array(canvasWidth * canvasHeight).fill(BACKGROUND);
  const text: string[] = [];
  if (options.title) text.push(svgText(GAP, GAP + FONT_SIZE, options.title, 'start', 'bold'));
  for (let n = 0; n < count; n++) {
    const left = GAP + (n % columns) * (cellWidth + GAP);
    const top = titleHeight + GAP + Math.floor(n / columns) * (cellHeight + GAP);
    const imageLeft = left + Math.floor((cellWidth - width * scale) / 2);
    for (let y = 0; y < height * scale; y++) {
      const source = n * size + Math.floor(y / scale) * width;
      const target = (top + y) * canvasWidth + imageLeft;
      for (let x = 0; x < width * scale; x++) canvas[target + x] = images[source + Math.floor(x / scale)];
    }
    (options.captions?.[n] ?? '').split('\n').forEach((line, i) => {
      text.push(svgText(left + cellWidth / 2, top + height * scale + (i + 1) * LINE_HEIGHT - 3, line, 'middle', i === 0 ? 'bold' : 'normal'));
    });
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${canvasHeight}" ` +
    `font-family="${CHART_FONT}" font-size="${FONT_SIZE}" fill="#111">${text.join('')}</svg>`;
  const png = await sharp(canvas, { raw: { width: canvasWidth, height: canvasHeight, channels: 1 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.length);
}

/** Bold text at the grid's font size, or smaller plain text for second caption lines. */
function svgText(x: number, y: number, text: string, anchor: 'start' | 'middle', weight: 'bold' | 'normal'): string {
  const escaped = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const size = weight === 'bold' ? FONT_SIZE : FONT_SIZE - 3;
  return `<text x="${x}" y="${y}" text-anchor="${anchor}" font-weight="${weight}" font-size="${size}">${escaped}</text>`;
}
