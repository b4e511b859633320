import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client.ts';
import type { Settings, SettingsPatch } from '../../main/api/service-api.ts';
import type { ServiceError } from '../api/service-client.ts';

/** The app's settings, kept live from the service (another window may change them). */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const error = ref<ServiceError | null>(null);
  let stop: (() => void) | undefined;

  function start(): void {
    stop ??= api().subscribe('settings/watch-settings', undefined, {
      onData: (value) => {
        settings.value = value;
        error.value = null;
      },
      onError: (e) => (error.value = e),
    });
  }

  async function update(patch: SettingsPatch): Promise<Settings> {
    const next = await api().mutate('settings/update-settings', patch);
    settings.value = next;
    return next;
  }

  return { settings, error, start, update };
});
