import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Classifier } from '@letters/inference';
import { LETTER_CLASS_NAMES } from '@letters/contract';
import { readPersonalization, sha256Hex } from '@letters/export/personalize';
import type { ImageSet } from '@letters/training';
import type { PageState, TeachState } from '../src/page-state.ts';
import { parityFromDataset } from '../server/parity.ts';
import { startDemoServer, type DemoServer } from '../server/serve.ts';
import { launchChromium, type Browser } from '../../test-support/chromium.ts';
import { trainLettersBase } from '../../test-support/models.ts';
import { PERSONAL_LETTERS, personalStrokes } from '../../test-support/personal-style.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { drawStrokes, settled } from './helpers/draw.ts';

/** Set LETTERS_TEACH_SCREENSHOT to write the README's picture of Teach mode (web-demo/docs/teach.png). */
const readmeShot = process.env.LETTERS_TEACH_SCREENSHOT;
const TEACH = 5;
const HELD_OUT = 3;

let dir: string;
let base: string;
let emnistTest: ImageSet;
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  dir = tempDir('teach');
  ({ path: base, test: emnistTest } = await trainLettersBase(inject('sharedData'), dir, 'emnist-base'));
  server = await startDemoServer({
    models: [base],
    port: 0,
    quiet: true,
    parity: parityFromDataset({ dataset: 'letters-sample', dataDir: inject('sharedData') }),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const teachState = (page: Page) => page.evaluate(() => window.__teach!) as Promise<TeachState>;

/** Draws one letter in the personal style; the pad's pixels as a PNG. */
async function draw(page: Page, letter: string, seed: number): Promise<Buffer> {
  await page.locator('#clear').click();
  // The Teach buttons sit below the pad: clicking them may have scrolled it partly out of view.
  await page.locator('#canvas').scrollIntoViewIfNeeded();
  await drawStrokes(page, personalStrokes(letter, seed), 1);
  const url = await page.evaluate(() => (document.getElementById('canvas') as HTMLCanvasElement).toDataURL('image/png'));
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/** Fraction of images whose most probable letter is `labels[i]`, on onnxruntime-node. */
async function accuracy(model: string | Uint8Array, images: readonly (Buffer | Float32Array)[], labels: readonly number[]): Promise<number> {
  const classifier = await Classifier.create(model, { runtime: 'node' });
  try {
    const predictions = await classifier.classify(images as (Buffer | Float32Array)[]);
    return predictions.filter((p, i) => p.label === LETTER_CLASS_NAMES[labels[i]!]).length / images.length;
  } finally {
    await classifier.close();
  }
}

describe('Teach mode in Chromium', () => {
  it('learns a slanted hand from 5 drawings per letter, keeps real letters, and the download matches the page', { timeout: 240_000 }, async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}?teach`);
    await page.waitForSelector('body[data-state="ready"][data-teach="idle"]', { state: 'attached' });

    // Held-out drawings of the same hand, drawn before teaching, never shown to the fine-tune.
    const heldOut: Buffer[] = [];
    const heldOutLabels: number[] = [];
    for (const letter of PERSONAL_LETTERS) {
      for (let i = 0; i < HELD_OUT; i++) {
        heldOut.push(await draw(page, letter, 1000 + 10 * i + letter.charCodeAt(0)));
        heldOutLabels.push(LETTER_CLASS_NAMES.indexOf(letter));
      }
    }

    for (const letter of PERSONAL_LETTERS) {
      await page.locator('#teach-letter').fill(letter);
      for (let i = 0; i < TEACH; i++) {
        await draw(page, letter, 10 * i + letter.charCodeAt(0));
        await page.locator('#teach-add').click();
      }
    }
    await expect.poll(async () => (await teachState(page)).samples).toBe(TEACH * PERSONAL_LETTERS.length);

    await page.locator('#teach-train').click();
    await page.waitForSelector('body[data-teach="done"], body[data-teach="error"]', { state: 'attached', timeout: 120_000 });
    const state = await teachState(page);
    expect(state.message).toMatch(/learnt from \d+ drawings/);
    expect(state.accepted).toBe(true);
    expect(state.after!).toBeGreaterThanOrEqual(state.before!);
    expect(state.personalized).toBe(1);
    expect(await page.locator('#teach-result').innerText()).toMatch(/Accuracy after/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#teach-download').click()]);
    const mine = join(dir, 'mine.onnx');
    await download.saveAs(mine);
    const bytes = new Uint8Array(await readFile(mine));
    expect(readPersonalization(bytes)).toEqual({
      samples: state.trained,
      baseModel: 'emnist-base',
      baseModelHash: await sha256Hex(new Uint8Array(await readFile(base))),
    });

    // The same hand, held out: at least 20 points better.
    const before = await accuracy(base, heldOut, heldOutLabels);
    const after = await accuracy(bytes, heldOut, heldOutLabels);
    expect(after - before).toBeGreaterThanOrEqual(0.2);
    // Real EMNIST test letters: at most 2 points worse.
    const images = Array.from({ length: emnistTest.count }, (_, i) => Float32Array.from(emnistTest.images.subarray(784 * i, 784 * (i + 1)), (v) => v / 255));
    const emnistBefore = await accuracy(base, images, Array.from(emnistTest.labels));
    const emnistAfter = await accuracy(bytes, images, Array.from(emnistTest.labels));
    expect(emnistBefore - emnistAfter).toBeLessThanOrEqual(0.02);

    // The page now classifies with the personalized model: onnxruntime-node gives its probabilities.
    const png = await draw(page, 'R', 4242);
    await settled(page);
    const pageProbabilities = ((await page.evaluate(() => window.__letters!)) as PageState).probabilities;
    const node = await Classifier.create(bytes, { runtime: 'node' });
    const nodeProbabilities = Array.from(await node.probabilities(png));
    await node.close();
    expect(Math.max(...pageProbabilities.map((p, i) => Math.abs(p - nodeProbabilities[i]!)))).toBeLessThanOrEqual(1e-4);

    console.info(
      `Teach: held-out ${(100 * before).toFixed(1)}% -> ${(100 * after).toFixed(1)}% (${heldOut.length} drawings), ` +
        `EMNIST test ${(100 * emnistBefore).toFixed(2)}% -> ${(100 * emnistAfter).toFixed(2)}% (${emnistTest.count}), ` +
        `page held-out ${(100 * state.before!).toFixed(0)}% -> ${(100 * state.after!).toFixed(0)}%, fine-tune ${state.seconds!.toFixed(1)} s in the browser`,
    );
    if (readmeShot) await page.screenshot({ path: resolve(readmeShot), fullPage: true });

    // Kept in IndexedDB: a reload finds the drawings and the personalized model; Undo goes back to the base.
    await page.reload();
    await page.waitForSelector('body[data-state="ready"][data-teach="idle"]', { state: 'attached' });
    expect(await teachState(page)).toMatchObject({ samples: TEACH * PERSONAL_LETTERS.length, personalized: 1 });
    await page.locator('#teach-undo').click();
    await expect.poll(async () => (await teachState(page)).personalized).toBe(0);
    await page.close();
  });

  it('refuses too few drawings of a letter with a clear message, keeping the model', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}?teach`);
    await page.waitForSelector('body[data-state="ready"][data-teach="idle"]', { state: 'attached' });
    // The browser profile is shared with the test above: whatever model it left in IndexedDB must stay.
    const { personalized, samples } = await teachState(page);
    if (samples > 0) await page.locator('#teach-forget').click();
    await expect.poll(async () => (await teachState(page)).samples).toBe(0);
    await page.locator('#teach-letter').fill('K');
    for (let i = 0; i < 2; i++) {
      await draw(page, 'K', i);
      await page.locator('#teach-add').click();
    }
    await expect.poll(async () => [(await teachState(page)).samples, await page.locator('#teach-status').innerText()]).toEqual([2, '2 of K: draw 1 more']);
    await page.locator('#teach-train').click();
    await page.waitForSelector('body[data-teach="error"]', { state: 'attached' });
    expect(await page.locator('#teach-status').innerText()).toBe('too few drawings of K (2): draw at least 3 of each letter you teach');
    expect((await teachState(page)).personalized).toBe(personalized);
    await page.close();
  });
});
