import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client.ts';
import type { SystemInfo } from '../../main/api/service-api.ts';
import type { ServiceError } from '../api/service-client.ts';

/** What the service says about itself: version, data dir, start time, record counts. */
export const useSystemStore = defineStore('system', () => {
  const info = ref<SystemInfo | null>(null);
  const error = ref<ServiceError | null>(null);
  let stop: (() => void) | undefined;

  function start(): void {
    stop ??= api().subscribe('system/watch-info', undefined, {
      onData: (value) => {
        info.value = value;
        error.value = null;
      },
      onError: (e) => (error.value = e),
    });
  }

  return { info, error, start };
});
