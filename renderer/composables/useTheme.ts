import { onBeforeUnmount, watch, type Ref } from 'vue';

/** Applies light/dark (Element Plus reads the `dark` class on <html>); `system` follows the OS. */
export function useTheme(theme: Ref<'light' | 'dark' | 'system'>): void {
  const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  const apply = () => {
    const dark = theme.value === 'dark' || (theme.value === 'system' && Boolean(media?.matches));
    document.documentElement.classList.toggle('dark', dark);
  };
  watch(theme, apply, { immediate: true });
  media?.addEventListener('change', apply);
  onBeforeUnmount(() => media?.removeEventListener('change', apply));
}
