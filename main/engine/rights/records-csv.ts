import { formatCode } from '../../core/rights/coupon-code.ts';
import { formatMessage, type Locale } from '../../core/i18n/format.ts';
import type { OperationRecord } from '../../core/rights/operation-record.ts';
import { localDateTimeOf } from '../../core/rights/local-date.ts';

const HEADERS = {
  en: ['Time', 'Record', 'Customer', 'Right', 'Kind', 'Code', 'Package', 'Plan', 'Run', 'Occurrence', 'From', 'To', 'Actor', 'Reason', 'Points', 'Growth value', 'Record id', 'Grant id'],
  'zh-CN': ['时间', '记录', '客户', '权益', '权益类型', '券码', '权益组合', '计划', '执行', '执行批次', '原状态', '新状态', '操作者', '原因', '积分变动', '成长值变动', '记录编号', '发放编号'],
} as const;

/** One CSV cell: quoted when needed; a leading = + - @ is neutralized so spreadsheets never run it. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Records as CSV (RFC 4180, CRLF, with a byte-order mark so spreadsheet programs read the
 * Chinese text as UTF-8). Times are local times in `zone`; labels are in `locale`.
 */
export function recordsToCsv(records: readonly OperationRecord[], locale: Locale, zone: string): string {
  const label = (group: string, key: string | null) => (key === null ? '' : formatMessage(locale, `rights.${group}.${key}`));
  const lines = [HEADERS[locale].map(cell).join(',')];
  for (const r of records) {
    lines.push(
      [
        localDateTimeOf(r.at, zone),
        label('records', r.type),
        r.customerId,
        r.rightName,
        label('kinds', r.rightKind),
        r.code ? formatCode(r.code) : null,
        r.packageId ? `${r.packageId}@${r.packageVersion ?? ''}` : null,
        r.planId,
        r.runId,
        r.occurrence,
        label('states', r.fromState),
        label('states', r.toState),
        `${label('actors', r.actor.type)}:${r.actor.id}`,
        r.reason,
        r.pointsDelta,
        r.growthDelta,
        r.id,
        r.grantId,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
