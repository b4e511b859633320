import { createI18n } from 'vue-i18n';
import { catalog } from '../../main/core/i18n/catalog.ts';
import type { MessageTree } from '../../main/core/i18n/format.ts';
import { audienceUiMessages } from './audience-messages.ts';
import { auditUiMessages } from './audit-messages.ts';
import { insightUiMessages } from './insight-messages.ts';
import { governanceUiMessages } from './governance-messages.ts';
import { periodUiMessages } from './period-messages.ts';
import { plansUiMessages } from './plans-messages.ts';
import { pluginsUiMessages } from './plugins-messages.ts';
import { rightsUiMessages } from './rights-messages.ts';
import { runsUiMessages } from './runs-messages.ts';
import { syncUiMessages } from './sync-messages.ts';
import { uiMessages } from './ui-messages.ts';

/** The renderer's own message modules, merged over the shared catalog. Add new ones here. */
const uiModules = [uiMessages, audienceUiMessages, rightsUiMessages, periodUiMessages, runsUiMessages, plansUiMessages, pluginsUiMessages, auditUiMessages, syncUiMessages, governanceUiMessages, insightUiMessages];

export type UiLocale = 'zh-CN' | 'en';
const STORAGE_KEY = 'campaign-desk.locale';

function merged(a: MessageTree, b: MessageTree): MessageTree {
  const out: MessageTree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && typeof prev === 'object' ? merged(prev, v) : v;
  }
  return out;
}

/** Until the service answers, use the language last seen in this browser. */
export function initialLocale(): UiLocale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export function rememberLocale(locale: UiLocale): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  datetimeFormats: {
    en: { long: { dateStyle: 'medium', timeStyle: 'medium' } },
    'zh-CN': { long: { dateStyle: 'medium', timeStyle: 'medium' } },
  },
  messages: {
    en: uiModules.reduce((acc, m) => merged(acc, m.en as MessageTree), catalog.en),
    'zh-CN': uiModules.reduce((acc, m) => merged(acc, m['zh-CN'] as MessageTree), catalog['zh-CN']),
  },
});
