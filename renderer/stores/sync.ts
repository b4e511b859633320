import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client.ts';
import type { SyncStatus } from '../../main/api/sync.ts';
import type { ServiceError } from '../api/service-client.ts';

/** The sync status, live: the Sync screen and the header's indicator share it. */
export const useSyncStore = defineStore('sync', () => {
  const status = ref<SyncStatus | null>(null);
  const error = ref<ServiceError | null>(null);
  let stop: (() => void) | undefined;

  function start(): void {
    stop ??= api().subscribe('sync/watch-status', undefined, {
      onData: (value) => {
        status.value = value;
        error.value = null;
      },
      onError: (e) => (error.value = e),
    });
  }

  /** Mutations answer the new status: show it at once rather than waiting for the feed. */
  function set(value: SyncStatus): void {
    status.value = value;
  }

  return { status, error, start, set };
});
