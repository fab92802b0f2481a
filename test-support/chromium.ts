import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './temp-dir.ts';

/** Debian's Chromium; CI installs it with `apt-get install -y chromium` when missing. */
export const CHROMIUM = process.env.LETTERS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Without the networking flags Chromium keeps trying hosts this network cannot reach; a fresh profile
 * keeps runs independent.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Real headless Chromium with a fresh user-data directory, removed after the test file's tests (once closed). */
export async function launchChromium(): Promise<Browser> {
  const context = await chromium.launchPersistentContext(tempDir('chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1000, height: 660 },
    hasTouch: true,
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: () => context.close(),
  };
}
