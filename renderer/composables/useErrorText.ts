import { useI18n } from 'vue-i18n';
import { toServiceError } from '../api/service-client.ts';

/** Turns any failure into the translated message for its stable code. */
export function useErrorText() {
  const { t, te } = useI18n();
  return (error: unknown): string => {
    const e = toServiceError(error);
    const key = `errors.${e.code}`;
    return te(key) ? t(key, e.params as Record<string, unknown>) : e.message;
  };
}
