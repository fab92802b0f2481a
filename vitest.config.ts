import { defineConfig } from 'vitest/config';

export default defineConfig({
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
