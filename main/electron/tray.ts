import { Menu, Tray, nativeImage } from 'electron';

export interface TrayActions {
  show(): void;
  quit(): void;
}

/** The tray icon that keeps the scheduler reachable while the window is closed. */
export function createTray(iconPath: string, locale: 'zh-CN' | 'en', actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  const zh = locale === 'zh-CN';
  tray.setToolTip(zh ? 'Campaign Desk 营销工作台（后台运行中）' : 'Campaign Desk (running in the background)');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: zh ? '打开窗口' : 'Open window', click: actions.show },
      { type: 'separator' },
      { label: zh ? '退出' : 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', actions.show);
  return tray;
}
