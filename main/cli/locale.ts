import { isLocale, type Locale } from '../core/i18n/format.ts';

/** The CLI's language: `--lang` where a command has it, else CAMPAIGN_DESK_LANG, else LANG, else en. */
export function cliLocale(explicit?: string): Locale {
  if (isLocale(explicit)) return explicit;
  // An empty variable counts as unset (e.g. CAMPAIGN_DESK_LANG= to fall back to LANG).
  const env = process.env.CAMPAIGN_DESK_LANG || process.env.LANG || '';
  if (isLocale(env)) return env;
  return /^zh/i.test(env) ? 'zh-CN' : 'en';
}
