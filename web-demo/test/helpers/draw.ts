import type { BrowserContext, Page } from 'playwright-core';

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

/** The stroke's points in page pixels, with `steps` evenly spaced points on each segment. */
async function pagePoints(page: Page, stroke: Stroke, steps: number): Promise<{ x: number; y: number }[]> {
  const box = await page.locator('#canvas').boundingBox();
  if (!box) throw new Error('the drawing canvas is not visible');
  const points = [{ x: stroke[0]![0], y: stroke[0]![1] }];
  for (const [x, y] of stroke.slice(1)) {
    const from = points.at(-1)!;
    for (let i = 1; i <= steps; i++) points.push({ x: from.x + ((x - from.x) * i) / steps, y: from.y + ((y - from.y) * i) / steps });
  }
  return points.map((p) => ({ x: box.x + p.x * box.width, y: box.y + p.y * box.height }));
}

/** Draws strokes on the page's canvas with real mouse events (down, moves, up); `steps` moves per segment. */
export async function drawStrokes(page: Page, strokes: readonly Stroke[], steps = 4): Promise<void> {
  for (const stroke of strokes) {
    const [first, ...rest] = await pagePoints(page, stroke, steps);
    await page.mouse.move(first!.x, first!.y);
    await page.mouse.down();
    for (const p of rest) await page.mouse.move(p.x, p.y);
    await page.mouse.up();
  }
}

/** Draws strokes with a finger: touch events through the DevTools protocol, as a touch screen sends them. */
export async function touchStrokes(context: BrowserContext, page: Page, strokes: readonly Stroke[]): Promise<void> {
  const cdp = await context.newCDPSession(page);
  for (const stroke of strokes) {
    const [first, ...rest] = await pagePoints(page, stroke, 4);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [first!] });
    for (const p of rest) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
}

/** Waits until the page has classified its latest pixels. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"][data-pending="false"]', { state: 'attached' });
}
