import type { ExecutionTime } from '../sdk/campaign-desk-plugin.ts';

/**
 * A short phrase for when a plan runs, in both languages. Plugins cannot use the app's period
 * describer, so only the shapes the built-in templates write (daily, weekly, monthly at a
 * time) are put in words; any other expression is quoted as written.
 */

const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六', '日'];
const DELAY_ZH = { minutes: '分钟', hours: '小时', days: '天' } as const;

const pad = (n: string) => n.padStart(2, '0');

function periodic(expression: string, locale: 'en' | 'zh-CN'): string {
  const m = /^0 (\d{1,2}) (\d{1,2}) (\*|\d{1,2}) \* (\*|\?|[0-7])(?: \*)?(?: 1)?$/.exec(expression.trim());
  if (m) {
    const [, minute = '0', hour = '0', day = '*', weekday = '*'] = m;
    const time = `${pad(hour)}:${pad(minute)}`;
    const everyDay = weekday === '*' || weekday === '?';
    if (day === '*' && everyDay) return locale === 'en' ? `daily at ${time}` : `每天 ${time}`;
    if (day === '*') return locale === 'en' ? `every ${WEEKDAYS_EN[Number(weekday)]} at ${time}` : `每周${WEEKDAYS_ZH[Number(weekday)]} ${time}`;
    if (everyDay) return locale === 'en' ? `on day ${day} of each month at ${time}` : `每月 ${day} 日 ${time}`;
  }
  return locale === 'en' ? `on the schedule "${expression}"` : `按“${expression}”执行`;
}

export function describeExecution(e: ExecutionTime, locale: 'en' | 'zh-CN'): string {
  switch (e.mode) {
    case 'periodic':
      return periodic(e.expression, locale);
    case 'immediate':
      return locale === 'en' ? 'once, when the plan is activated' : '计划启用后立即执行一次';
    case 'fixed':
      return locale === 'en' ? `once, at ${e.at.replace('T', ' ')}` : `于 ${e.at.replace('T', ' ')} 执行一次`;
    case 'delayed':
      return locale === 'en'
        ? `once, ${e.delay.amount} ${e.delay.unit} after activation`
        : `启用 ${e.delay.amount} ${DELAY_ZH[e.delay.unit]}后执行一次`;
    case 'birthday':
      return locale === 'en' ? `on each customer's birthday schedule at ${e.time}` : `按顾客生日 ${e.time} 执行`;
  }
}
