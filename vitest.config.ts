import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  test: {
    // RxDB's shared test suites use bare describe/it.
    globals: true,
    include: [
      'main/**/*.test.ts',
      'plugins/**/*.test.ts',
      'sync-server/**/*.test.ts',
      'renderer/**/*.test.ts',
      'e2e/**/*.test.ts',
      'scripts/**/*.test.ts',
      'resources/**/*.test.ts',
      'eslint-rules/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // 2 cores: more workers only fight over them.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
