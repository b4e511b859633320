// The preload's one narrow bridge: tRPC messages over IPC (window.electronTRPC).
// Context isolation and the sandbox stay on; the page gets nothing else of Node or Electron.
import { exposeElectronTRPC } from 'trpc-electron/main';

process.once('loaded', () => {
  exposeElectronTRPC();
});
