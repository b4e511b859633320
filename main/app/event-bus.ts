import { EventEmitter, on } from 'node:events';
import type { SyncStatus } from '../sync/sync-status.ts';

/** Things that changed in the app, fanned out to live feeds (subscriptions). */
export interface AppEvents {
  'settings-changed': { keys: string[] };
  'data-changed': { collection: string };
  /** The sync status changed (at most every 100 ms). */
  'sync-status': SyncStatus;
  /** Something the user should see even with the window closed (desktop: a native notification). */
  notify: { title: string; body: string };
}

/** A typed in-process event bus. */
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: true });

  constructor() {
    // Every open window/tab holds a few live feeds.
    this.emitter.setMaxListeners(1000);
  }

  emit<E extends keyof AppEvents>(event: E, payload: AppEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  on<E extends keyof AppEvents>(event: E, listener: (payload: AppEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Events as an async iterable that ends when `signal` aborts. */
  async *watch<E extends keyof AppEvents>(event: E, signal: AbortSignal): AsyncGenerator<AppEvents[E]> {
    try {
      for await (const [payload] of on(this.emitter, event, { signal })) yield payload as AppEvents[E];
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
}
