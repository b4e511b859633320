#!/usr/bin/env node
// `npm test`: every check the project has, in order, stopping at the first failure.
// Installs missing Debian packages first (as root), or says exactly what to run.
import { spawnSync } from 'node:child_process';
import { ensureSystemDeps } from './system-deps.mjs';

const steps = [
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['type-check main, plugins, server', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['type-check end-to-end tests', 'npx', ['tsc', '-p', 'tsconfig.e2e.json']],
  ['type-check renderer', 'npx', ['vue-tsc', '-p', 'tsconfig.renderer.json']],
  ['build renderer', 'npx', ['vite', 'build', '--logLevel', 'warn']],
  ['build Electron main and preload', 'npm', ['run', '--silent', 'build:electron', '--', '--logLevel', 'warn']],
  ['unit, integration and end-to-end tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

if (!ensureSystemDeps()) process.exit(1);

const started = Date.now();
for (const [name, cmd, args] of steps) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed after ${seconds}s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${seconds}s)`);
}
console.log(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
