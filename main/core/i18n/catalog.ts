import type { MessageTree } from './format.ts';
import { throttleMessages } from './locales/throttle.ts';
import { audienceMessages } from './locales/audience.ts';
import { errorMessages } from './locales/errors.ts';
import { dbMessages } from './locales/db.ts';
import { rightsMessages } from './locales/rights.ts';
import { periodMessages } from './locales/period.ts';
import { messageMessages } from './locales/messages.ts';
import { engineMessages } from './locales/engine.ts';
import { pluginMessages } from './locales/plugins.ts';
import { syncMessages } from './locales/sync.ts';
import { auditMessages } from './locales/audit.ts';
import { governanceMessages } from './locales/governance.ts';

/**
 * Every area's messages, merged. Add an area by importing its `defineMessages` result
 * and listing it here.
 */
const areas = [errorMessages, audienceMessages, dbMessages, periodMessages, rightsMessages, engineMessages, messageMessages, throttleMessages, pluginMessages, syncMessages, auditMessages, governanceMessages];

function merge(target: MessageTree, source: MessageTree): MessageTree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (typeof value === 'object' && typeof existing === 'object') merge(existing, value);
    else target[key] = typeof value === 'object' ? merge({}, value) : value;
  }
  return target;
}

export const catalog: { en: MessageTree; 'zh-CN': MessageTree } = {
  en: areas.reduce<MessageTree>((acc, area) => merge(acc, area.en as MessageTree), {}),
  'zh-CN': areas.reduce<MessageTree>((acc, area) => merge(acc, area['zh-CN'] as MessageTree), {}),
};
