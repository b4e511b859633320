import type { OperationRecord } from '../../core/rights/operation-record.ts';
import { recordsToCsv } from './records-csv.ts';

const record: OperationRecord = {
  id: 'B-1:0.3',
  type: 'right-restored',
  at: Date.UTC(2026, 2, 10, 2, 30),
  customerId: 'c1',
  grantId: 'B-1:0',
  code: 'ABCDEFGHJKMNPQR0',
  rightId: 'R-1',
  rightVersion: 1,
  rightName: '满100减10, "新客"',
  rightKind: 'coupon',
  packageId: null,
  packageVersion: null,
  planId: 'p1',
  runId: null,
  occurrence: 'o1',
  fromState: 'used',
  toState: 'restored',
  actor: { type: 'user', id: 'amy' },
  reason: '=HYPERLINK("x")',
  pointsDelta: 0,
  growthDelta: 0,
  corrects: null,
};

describe('records as CSV', () => {
  it('writes a header and one quoted, injection-safe line per record, in local time', () => {
    const csv = recordsToCsv([record], 'zh-CN', 'Asia/Shanghai');
    expect(csv.startsWith('\ufeff时间,记录,客户')).toBe(true);
    const line = csv.split('\r\n')[1]!;
    expect(line).toBe(`2026-03-10 10:30,回补权益,c1,"满100减10, ""新客""",优惠券,ABCD-EFGH-JKMN-PQR0,,p1,,o1,已使用,已回补,用户:amy,"'=HYPERLINK(""x"")",0,0,B-1:0.3,B-1:0`);
    expect(recordsToCsv([record], 'en', 'UTC').split('\r\n')[1]).toContain('2026-03-10 02:30,Right restored');
  });
});
