import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the real data beside the checkout (../shared/data). */
    sharedData: string;
    /** Absolute path of the project's generated fixtures. */
    fixtures: string;
  }
}

/**
 * Integration tests read real data from ../shared/data; say so clearly when it is not there. Tests run
 * the sources, but the `letters` CLI and the web page they start run the built packages: build them
 * first (incremental, about a second when nothing changed).
 */
export default function setup(project: TestProject): void {
  const root = project.config.root;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const sharedData = resolve(process.env.LETTERS_SHARED_DATA ?? resolve(root, '../shared/data'));
  if (!existsSync(resolve(sharedData, 'README.md'))) {
    throw new Error(
      `Integration tests need the real data folder beside the checkout, not found at ${sharedData}. ` +
        'Put it there or set LETTERS_SHARED_DATA to its path.',
    );
  }
  project.provide('sharedData', sharedData);
  project.provide('fixtures', resolve(root, 'fixtures'));
}
