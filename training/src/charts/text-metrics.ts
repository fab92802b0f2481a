import { existsSync, readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import * as vega from 'vega';

/**
 * Headless vega has no canvas to measure text, so it guesses 0.8 em per character: titles and
 * rotated labels then get far more room than they use. Measuring with the font that sharp
 * rasterizes the SVG with (DejaVu Sans) makes the layout match the picture.
 */
const FONT_FILES = {
  regular: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf'],
  bold: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf'],
};

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}
type WidthFunction = (item: TextItem, text?: unknown) => number;
// vega re-exports vega-scenegraph's textMetrics, whose `width` may be replaced; vega's typings omit it.
const { textMetrics } = vega as unknown as { textMetrics: { width: WidthFunction } };

function loadFont(paths: readonly string[]): opentype.Font | undefined {
  const path = paths.find((p) => existsSync(p));
  return path === undefined ? undefined : opentype.parse(readFileSync(path).buffer);
}

/** Sum of glyph advances plus kerning (opentype.js's own shaping trips over DejaVu's GSUB tables). */
function advanceWidth(font: opentype.Font, text: string, size: number): number {
  let units = 0;
  let previous: opentype.Glyph | undefined;
  for (const char of text) {
    const glyph = font.charToGlyph(char);
    units += (glyph.advanceWidth ?? 0) + (previous ? font.getKerningValue(previous, glyph) : 0);
    previous = glyph;
  }
  return (units * size) / font.unitsPerEm;
}

let installed = false;

/** Replaces vega's width estimate with DejaVu Sans metrics when the font is installed (once per process). */
export function useFontMetrics(): void {
  if (installed) return;
  installed = true;
  const regular = loadFont(FONT_FILES.regular);
  const bold = loadFont(FONT_FILES.bold) ?? regular;
  if (!regular || !bold) return;
  const cache = new Map<string, number>();
  textMetrics.width = (item, text) => {
    const line = String(text ?? item.text ?? '').trim();
    const size = item.fontSize ?? 11;
    const isBold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const key = `${isBold ? 'b' : 'r'}${size} ${line}`;
    let width = cache.get(key);
    if (width === undefined) {
      width = advanceWidth(isBold ? bold : regular, line, size);
      cache.set(key, width);
    }
    // Vega truncates text longer than `limit` with an ellipsis.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}
