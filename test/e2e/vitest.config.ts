import { defineConfig } from 'vitest/config';

/** End-to-end tests: Chromium (playwright-core) against the web shell serving out/renderer. */
export default defineConfig({
  test: {
    root: import.meta.dirname + '/../..',
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
