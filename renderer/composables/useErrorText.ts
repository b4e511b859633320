import { useI18n } from 'vue-i18n';
import { localizeErrorParams } from '../../main/core/i18n/format.ts';
import { toServiceError } from '../api/service-client.ts';

/** Turns any failure into the translated message for its stable code. */
export function useErrorText() {
  const { t, te } = useI18n();
  return (error: unknown): string => {
    const e = toServiceError(error);
    const key = `errors.${e.code}`;
    if (!te(key)) return e.message;
    // Params that are keys (e.g. SY_FORBIDDEN's `action`) show in the UI's language, as in formatError.
    const params = localizeErrorParams(e.code, e.params, (k, p) => (te(k) ? t(k, p ?? {}) : undefined));
    return t(key, params);
  };
}
