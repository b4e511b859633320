import { useI18n } from 'vue-i18n';
import type { ExecutionTime, PlanAction, PlanLimits, PlanTime } from './types.ts';

/** Plan settings in words, for the detail's summary and the editor's review step. */
export function usePlanText() {
  const { t } = useI18n();

  function execution(e: ExecutionTime): string {
    switch (e.mode) {
      case 'birthday': {
        const base = t(`plansUi.exec.birthday.${e.scope}`, { time: e.time });
        const n = e.offsetDays ?? 0;
        return n === 0 ? base : `${base} · ${t(n < 0 ? 'plansUi.exec.before' : 'plansUi.exec.after', { n: Math.abs(n) })}`;
      }
      case 'periodic':
        return t('plansUi.exec.periodic', { expression: e.expression });
      case 'fixed':
        return t('plansUi.exec.fixed', { at: e.at.replace('T', ' ') });
      case 'immediate':
        return t('plansUi.exec.immediate');
      case 'delayed':
        return t('plansUi.exec.delayed', { n: e.delay.amount, unit: t(`plansUi.unit.${e.delay.unit}`) });
    }
  }

  function effective(time: Pick<PlanTime, 'effective'>): string {
    const { start, end } = time.effective;
    if (start && end) return t('plansUi.effective.between', { start, end });
    if (start) return t('plansUi.effective.from', { start });
    if (end) return t('plansUi.effective.until', { end });
    return t('plansUi.effective.always');
  }

  function limits(l: PlanLimits): string[] {
    const out: string[] = [];
    if (l.quietHours === null) out.push(t('plansUi.limitText.noQuiet'));
    else if (l.quietHours) out.push(t('plansUi.limitText.quiet', { start: l.quietHours.start, end: l.quietHours.end }));
    if (l.frequencyCap === null) out.push(t('plansUi.limitText.noCap'));
    else if (l.frequencyCap) out.push(t('plansUi.limitText.cap', { max: l.frequencyCap.max, days: l.frequencyCap.days }));
    if (l.maxRate !== undefined) out.push(t('plansUi.limitText.rate', { n: l.maxRate }));
    if (l.maxAttempts !== undefined) out.push(t('plansUi.limitText.attempts', { n: l.maxAttempts }));
    if (out.length === 0) out.push(t('plansUi.limitText.appSettings'));
    return out;
  }

  function action(a: PlanAction, subjectName: (type: 'right' | 'package', id: string) => string): string {
    if (a.type === 'grant') return t(`plansUi.actionText.grant.${a.subject.type}`, { name: subjectName(a.subject.type, a.subject.id) });
    return t('plansUi.actionText.message', { channel: t(`plansUi.channel.${a.channel}`), via: a.via });
  }

  return { execution, effective, limits, action };
}
