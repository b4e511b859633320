import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Electron's main process and preload, bundled to CommonJS in dist/electron, one entry per
// build (`--mode main`, `--mode preload`): a sandboxed preload cannot require a shared chunk.
// Native modules (better-sqlite3) stay external: electron-builder rebuilds them for Electron.
export default defineConfig(({ mode }) => ({
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: fileURLToPath(new URL('./dist/electron', import.meta.url)),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    sourcemap: true,
    ssr: true,
    lib: {
      entry: {
        [mode === 'preload' ? 'preload' : 'main']: fileURLToPath(new URL(`./main/electron/${mode === 'preload' ? 'preload' : 'main'}.ts`, import.meta.url)),
      },
      formats: ['cjs'],
      fileName: (_format, name) => `${name}.cjs`,
    },
    rollupOptions: {
      external: ['electron', 'better-sqlite3', ...nodeBuiltins],
    },
  },
  ssr: { noExternal: true },
}));
