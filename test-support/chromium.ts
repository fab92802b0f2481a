import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '@letters/web-demo';
import { tempDir } from './temp-dir.ts';

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Real headless Chromium (Debian's; CI installs it with `apt-get install -y chromium` when missing) with the
 * flags of the runtime runner and a fresh user-data directory, removed after the test file's tests (once closed). */
export async function launchChromium(): Promise<Browser> {
  const context = await chromium.launchPersistentContext(tempDir('chromium'), {
    executablePath: DEFAULT_CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1000, height: 660 },
    hasTouch: true,
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: () => context.close(),
  };
}
