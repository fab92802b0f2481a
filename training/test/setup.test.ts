import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';

test('the real data folder is provided to integration tests', () => {
  expect(existsSync(join(inject('sharedData'), 'emnist-byclass'))).toBe(true);
});
