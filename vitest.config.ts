import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests run the packages from their TypeScript sources: `@letters/*` resolves as tsconfig.json's `paths`
 * say (the Node entry of @letters/inference), one map for the typechecker and for vitest. Processes the
 * tests start (the `letters` CLI, workers) run the built packages; the global setup builds them first.
 */
const { paths } = (JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8')) as {
  compilerOptions: { paths: Record<string, [string]> };
}).compilerOptions;
const alias = Object.entries(paths).map(([name, [path]]) => ({
  find: new RegExp(`^${name.replaceAll('/', '\\/')}$`),
  replacement: fileURLToPath(new URL(path, import.meta.url)),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ['./vitest.global-setup.ts'],
    include: ['{contract,training,export,inference,cli,web-demo}/test/**/*.test.ts'],
    // Models trained in tests are small, but wasm start-up and real onnxruntime sessions take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: files run two at a time, each single-threaded inside.
    maxWorkers: 2,
  },
});
