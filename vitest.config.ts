import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two test files at a time even on a 2-core machine (Vitest's default there is one): most of a
    // test's time is spent waiting on sandboxes, databases and child processes, so the suite takes
    // about 8 minutes instead of 13. Tests assert nothing about time, so a busier machine is slower,
    // not wrong.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts'],
          // Building a demo seed is pure computation that a busy 2-core machine can stretch past
          // vitest's 5 s default; a timeout is a hang detector, not a speed check.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts', 'test/integration/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The web app in Debian's Chromium, driven by playwright-core, against the real service.
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
