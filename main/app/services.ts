import type { Clock } from '../core/clock.ts';
import type { EventBus } from './event-bus.ts';
import type { SettingsStore } from './settings-store.ts';

export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly mode: 'desktop' | 'browser' | 'test';
}

/** Everything the API handlers may use. Built once per process by `createAppServices`. */
export interface AppServices {
  readonly info: AppInfo;
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  /** Releases files and timers; idempotent. */
  close(): Promise<void>;
}
