import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { screen } from 'electron';

interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 800 }, maximized: false };

/** Remembers the window's size, position and maximized state in the data dir. */
export function loadWindowState(dataDir: string): WindowState {
  try {
    const saved = JSON.parse(readFileSync(join(dataDir, 'window-state.json'), 'utf8')) as WindowState;
    // A display may have been unplugged since: only reuse bounds that are still visible.
    const visible = screen.getAllDisplays().some(({ workArea: a }) => {
      const b = saved.bounds;
      return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
    });
    return visible ? saved : { ...DEFAULT, maximized: saved.maximized };
  } catch {
    return DEFAULT;
  }
}

export function trackWindowState(win: BrowserWindow, dataDir: string): void {
  const file = join(dataDir, 'window-state.json');
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (win.isDestroyed()) return;
      const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    }, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', save);
}
