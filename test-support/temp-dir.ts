import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];
// Registered when a test file (or one of its helpers) imports this module; vitest runs each file in its own
// module graph. After-hooks run in reverse order, so this one runs last: the file's own afterAll hooks (closing a
// browser, a server) are done with the directories before they go.
afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh directory `<os tmpdir>/letters-<prefix>-XXXXXX`, removed after the importing test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `letters-${prefix}-`));
  created.push(dir);
  return dir;
}
