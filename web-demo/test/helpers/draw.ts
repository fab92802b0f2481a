import type { Page } from 'playwright-core';

/** A pen stroke as points in the pad's unit square (x right, y down). */
export type Stroke = readonly (readonly [number, number])[];

function ellipse(cx: number, cy: number, rx: number, ry: number): Stroke {
  return Array.from({ length: 25 }, (_, i) => {
    const angle = (2 * Math.PI * i) / 24 - Math.PI / 2;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)] as const;
  });
}

/** Letters as a person would draw them with a mouse, one array of strokes each. */
export const GLYPHS: Readonly<Record<string, readonly Stroke[]>> = {
  A: [[[0.28, 0.8], [0.5, 0.2], [0.72, 0.8]], [[0.36, 0.6], [0.64, 0.6]]],
  L: [[[0.36, 0.2], [0.36, 0.8], [0.68, 0.8]]],
  T: [[[0.26, 0.22], [0.74, 0.22]], [[0.5, 0.22], [0.5, 0.8]]],
  O: [ellipse(0.5, 0.5, 0.24, 0.3)],
};

/** Draws strokes on the page's canvas with real mouse events (down, moves, up). */
export async function drawStrokes(page: Page, strokes: readonly Stroke[]): Promise<void> {
  const box = await page.locator('#canvas').boundingBox();
  if (!box) throw new Error('the drawing canvas is not visible');
  const at = ([x, y]: readonly [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]!));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 4 });
    await page.mouse.up();
  }
}

/** Waits until the page has classified its latest pixels. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"][data-pending="false"]', { state: 'attached' });
}
