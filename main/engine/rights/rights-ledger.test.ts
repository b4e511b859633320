import type { Grant } from '../../core/rights/grant.ts';
import { STOCK_GRANTED_STATES } from '../../core/rights/grant-state.ts';
import { balancesOf } from '../../core/rights/operation-record.ts';
import { toGrantDoc } from '../../db/schemas/grants.ts';
import { bundleIdFor } from './ids.ts';
import type { BundleOutcome, GrantRequest } from './rights-ledger.ts';
import { coupon, DAY, openTestRights, points, staff, T0 } from './test-rights.ts';

type Env = Awaited<ReturnType<typeof openTestRights>>;

function request(customerId: string, subject: GrantRequest['subject'], occurrence = 'o1', planId = 'p1'): GrantRequest {
  return { key: { planId, occurrence, customerId, actionId: 'a1' }, subject };
}

function grantsOf(outcome: BundleOutcome | undefined): Grant[] {
  if (!outcome?.ok) throw new Error(`expected success, got ${outcome?.ok === false ? outcome.error.code : 'nothing'}`);
  return outcome.grants;
}

describe('rights ledger on a real database file', () => {
  let env: Env;
  beforeEach(async () => {
    env = await openTestRights();
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('grants a coupon, uses it by code, restores it: one record per transition', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    // Reserve, then commit (two steps, as the API grants): a record for each.
    const [outcome] = await env.rights.ledger.reserveAndCommit([request('c1', { type: 'right', id: right.id })], staff);
    const [grant] = grantsOf(outcome);
    expect(grant).toMatchObject({ state: 'granted', customerId: 'c1', rightId: right.id, rightVersion: 1, planId: 'p1' });
    expect(grant!.code).toMatch(/^[0-9A-Z]{16}$/);
    env.clock.advance(DAY);
    const used = await env.rights.ledger.use(grant!.code!.toLowerCase(), { type: 'pos', id: 'till-1' });
    expect(used.state).toBe('used');
    await expect(env.rights.ledger.use(grant!.code!, staff)).rejects.toMatchObject({ code: 'RT_ALREADY_USED' });
    const restored = await env.rights.ledger.restore(grant!.code!, 'order 42 refunded', staff);
    expect(restored.state).toBe('restored');
    const page = await env.rights.records.search({ customerId: 'c1' });
    expect(page.records.map((r) => r.type)).toEqual(['right-restored', 'right-used', 'right-granted', 'right-reserved']);
    expect(page.records[0]).toMatchObject({ reason: 'order 42 refunded', code: grant!.code, actor: staff });
    expect(page.records[1]!.actor).toEqual({ type: 'pos', id: 'till-1' });
    expect((await env.rights.records.search({ code: grant!.code! })).records).toHaveLength(4);
  });

  it('grants in one step with one record, reserved and committed at once', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const pts = await env.rights.catalog.createRight(points, staff);
    const [outcome, credit] = await env.rights.ledger.grant([request('c1', { type: 'right', id: right.id }), request('c1', { type: 'right', id: pts.id }, 'o2')], staff);
    const [grant] = grantsOf(outcome);
    expect(grant).toMatchObject({ state: 'granted', seq: 1, reservedAt: T0, grantedAt: T0 });
    expect(grant!.expiresAt).not.toBeNull();
    env.clock.advance(DAY);
    await env.rights.ledger.use(grant!.code!, { type: 'pos', id: 'till-1' });
    await env.rights.ledger.restore(grant!.code!, 'order 42 refunded', staff);
    const page = await env.rights.records.search({ code: grant!.code! });
    expect(page.records.map((r) => r.type)).toEqual(['right-restored', 'right-used', 'right-granted']);
    expect(page.records.map((r) => r.id)).toEqual([3, 2, 1].map((n) => `${grant!.id}.${n}`));
    // The grant record says it came from nothing: the reservation was part of the same step.
    expect(page.records[2]).toMatchObject({ fromState: null, toState: 'granted', at: T0, actor: staff, planId: 'p1', rightKind: 'coupon' });
    expect(page.records[1]).toMatchObject({ fromState: 'granted', toState: 'used' });
    // Points are credited by the one record, and the same key grants nothing twice.
    expect(grantsOf(credit)[0]).toMatchObject({ state: 'granted', seq: 1 });
    expect(await env.rights.ledger.balances('c1')).toEqual({ points: 100, growth: 0 });
    const [again] = await env.rights.ledger.grant([request('c1', { type: 'right', id: pts.id }, 'o2')], staff);
    expect(again).toMatchObject({ ok: true, existing: true, bundleId: credit!.bundleId });
    expect(await env.rights.ledger.balances('c1')).toEqual({ points: 100, growth: 0 });
    expect(await env.database.collections.operationRecords.count({ selector: { customerId: 'c1' } }).exec()).toBe(4);
  });

  it('refuses unknown, malformed, expired and recovered codes with typed errors', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const [a, b] = await env.rights.ledger.grant([request('c1', { type: 'right', id: right.id }), request('c2', { type: 'right', id: right.id })], staff);
    await expect(env.rights.ledger.use('0000-0000-0000-0000', staff)).rejects.toMatchObject({ code: 'RT_CODE_UNKNOWN' });
    await expect(env.rights.ledger.use('ABCD', staff)).rejects.toMatchObject({ code: 'RT_CODE_MALFORMED' });
    await env.rights.ledger.recover(grantsOf(b)[0]!.id, 'sent by mistake', staff);
    await expect(env.rights.ledger.use(grantsOf(b)[0]!.code!, staff)).rejects.toMatchObject({ code: 'RT_RECOVERED' });
    env.clock.advance(40 * DAY);
    const code = grantsOf(a)[0]!.code!;
    await expect(env.rights.ledger.use(code, staff)).rejects.toMatchObject({ code: 'RT_EXPIRED' });
    // The failed use found it past its expiry and recorded the expiry.
    expect((await env.rights.ledger.findByCode(code)).state).toBe('expired');
    await expect(env.rights.ledger.restore(code, 'x', staff)).rejects.toMatchObject({ code: 'RT_NOT_USED' });
  });

  it('gives one grant per idempotency key, and a fresh one after a release', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const req = request('c1', { type: 'right', id: right.id });
    const [first] = await env.rights.ledger.grant([req], staff);
    const [again] = await env.rights.ledger.grant([req], staff);
    const [third] = await env.rights.ledger.reserve([req], staff);
    expect(grantsOf(again)[0]!.id).toBe(grantsOf(first)[0]!.id);
    expect(again).toMatchObject({ existing: true });
    expect(grantsOf(third)[0]!.id).toBe(grantsOf(first)[0]!.id);
    expect(await env.database.collections.grants.count().exec()).toBe(1);

    const other = request('c2', { type: 'right', id: right.id });
    const [reserved] = await env.rights.ledger.reserve([other], staff);
    await env.rights.ledger.release([reserved!.bundleId!], staff);
    await env.rights.ledger.release([reserved!.bundleId!], staff);
    const [retry] = await env.rights.ledger.grant([other], staff);
    expect(retry!.bundleId).not.toBe(reserved!.bundleId);
    expect(grantsOf(retry)[0]!.state).toBe('granted');
    expect(await env.database.collections.grants.count().exec()).toBe(3);
    // The same key for another right is refused rather than silently answered.
    const points100 = await env.rights.catalog.createRight(points, staff);
    const [reused] = await env.rights.ledger.grant([request('c1', { type: 'right', id: points100.id })], staff);
    expect(reused).toMatchObject({ ok: false, error: { code: 'RT_KEY_REUSED' } });
  });

  it('keeps ids apart for keys that hash alike, and for long or unusual customer ids', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const req = request('c9', { type: 'right', id: right.id });
    // Another key's grant already sits at this key's first id (a hash collision).
    const [other] = await env.rights.ledger.grant([request('c8', { type: 'right', id: right.id })], staff);
    const squatter = { ...grantsOf(other)[0]!, id: `${bundleIdFor(req.key, 1)}:0`, bundleId: bundleIdFor(req.key, 1), code: null };
    await env.database.collections.grants.insert(toGrantDoc(squatter));
    const [mine] = await env.rights.ledger.grant([req], staff);
    expect(mine!.bundleId).toBe(bundleIdFor(req.key, 2));
    expect(grantsOf(mine)[0]!.customerId).toBe('c9');
    const [again] = await env.rights.ledger.grant([req], staff);
    expect(again).toMatchObject({ existing: true, bundleId: bundleIdFor(req.key, 2) });
    const odd = '客户/with spaces and a very long member number 1234567890';
    const [g] = await env.rights.ledger.grant([request(odd, { type: 'right', id: right.id })], staff);
    expect(grantsOf(g)[0]!.id.length).toBeLessThanOrEqual(64);
    expect(grantsOf(g)[0]!.customerId).toBe(odd);
  });

  it('grants a package as one bundle pinned to its version; editing makes a new version', async () => {
    const c = await env.rights.catalog.createRight(coupon, staff);
    const p = await env.rights.catalog.createRight(points, staff);
    const pkg = await env.rights.catalog.createPackage({ name: '金卡月礼包', items: [{ rightId: c.id, quantity: 2 }, { rightId: p.id }] }, staff);
    const [outcome] = await env.rights.ledger.grant([request('c1', { type: 'package', id: pkg.id })], staff);
    const grants = grantsOf(outcome);
    expect(grants.map((g) => g.kind)).toEqual(['coupon', 'coupon', 'points']);
    expect(new Set(grants.map((g) => g.code)).size).toBe(3);
    expect(grants.every((g) => g.packageId === pkg.id && g.packageVersion === 1)).toBe(true);

    await env.rights.catalog.updateRight(c.id, { ...coupon, name: '满100减20' }, 1, staff);
    const v2 = await env.rights.catalog.updatePackage(pkg.id, { name: '金卡月礼包', items: [{ rightId: c.id }] }, 1, staff);
    expect(v2).toMatchObject({ version: 2, items: [{ rightId: c.id, rightVersion: 2, quantity: 1 }] });
    await expect(env.rights.catalog.updatePackage(pkg.id, { name: 'x', items: [{ rightId: c.id }] }, 1, staff)).rejects.toMatchObject({ code: 'RT_VERSION_CONFLICT' });
    expect((await env.rights.catalog.getPackage(pkg.id, 1)).items).toHaveLength(2);
    expect((await env.rights.catalog.packageHistory(pkg.id)).map((v) => v.version)).toEqual([2, 1]);
    // The grant still reads as the version it got.
    expect((await env.rights.ledger.getGrant(grants[0]!.id)).rightName).toBe('满100减10');
    const [next] = await env.rights.ledger.grant([request('c2', { type: 'package', id: pkg.id })], staff);
    expect(grantsOf(next).map((g) => [g.rightName, g.packageVersion])).toEqual([['满100减20', 2]]);
  });

  it('keeps points balance equal to the sum of records through grants, recoveries and adjustments', async () => {
    const p = await env.rights.catalog.createRight(points, staff);
    const g = await env.rights.catalog.createRight({ name: '成长值', kind: 'growth-value', params: { amount: 30 } }, staff);
    const outcomes = await env.rights.ledger.grant(
      [1, 2, 3].map((n) => request('c1', { type: 'right', id: p.id }, `o${n}`)).concat([request('c1', { type: 'right', id: g.id }, 'g1')]),
      staff,
    );
    expect(await env.rights.ledger.balances('c1')).toEqual({ points: 300, growth: 30 });
    await env.rights.ledger.recover(grantsOf(outcomes[0])[0]!.id, 'duplicate', staff);
    await env.rights.ledger.adjustBalance({ customerId: 'c1', points: -150, reason: 'spent at the till' }, staff, 'adj-1');
    await expect(env.rights.ledger.adjustBalance({ customerId: 'c1', points: -100, reason: 'too much' }, staff, 'adj-2')).rejects.toMatchObject({ code: 'RT_BALANCE_NEGATIVE' });
    await expect(env.rights.ledger.recover(grantsOf(outcomes[1])[0]!.id, 'x', staff)).rejects.toMatchObject({ code: 'RT_BALANCE_NEGATIVE' });
    const records = (await env.rights.records.search({ customerId: 'c1', limit: 1000 })).records;
    expect(balancesOf(records)).toEqual({ points: 50, growth: 30 });
    expect(await env.rights.ledger.balances('c1')).toEqual({ points: 50, growth: 30 });
    await expect(env.rights.ledger.use('0000-0000-0000-0000', staff)).rejects.toBeDefined();
  });

  it('expires due grants in a sweep', async () => {
    const right = await env.rights.catalog.createRight({ ...coupon, params: { benefit: { type: 'amount-off', amountOff: 100 }, validity: { type: 'days-from-grant', days: 1 } } }, staff);
    await env.rights.ledger.grant(['c1', 'c2', 'c3'].map((c) => request(c, { type: 'right', id: right.id })), staff);
    expect(await env.rights.ledger.expireDue()).toBe(0);
    env.clock.advance(DAY);
    expect(await env.rights.ledger.expireDue(2)).toBe(3);
    const expired = await env.rights.records.search({ type: 'right-expired' });
    expect(expired.records).toHaveLength(3);
    expect(expired.records[0]!.actor).toEqual({ type: 'system', id: 'expiry-sweep' });
  });

  it('grants a periodic right exactly once per customer per month', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const input = { subject: { type: 'right' as const, id: right.id }, customerIds: ['c1', 'c2'], period: 'month' as const, planId: 'gold-monthly', actionId: 'a1' };
    await env.rights.ledger.grantPeriodic(input, { type: 'plan', id: 'gold-monthly' });
    env.clock.advance(5 * DAY);
    await env.rights.ledger.grantPeriodic(input, { type: 'plan', id: 'gold-monthly' });
    expect(await env.database.collections.grants.count().exec()).toBe(2);
    env.clock.set(Date.UTC(2026, 3, 1, 1));
    const april = await env.rights.ledger.grantPeriodic(input, { type: 'plan', id: 'gold-monthly' });
    expect(april.map((o) => grantsOf(o)[0]!.occurrence)).toEqual(['month:2026-04', 'month:2026-04']);
    expect(await env.database.collections.grants.count().exec()).toBe(4);
  });

  it('enforces the per-customer cap, within a batch too', async () => {
    const right = await env.rights.catalog.createRight({ ...coupon, cap: { limit: 1, per: 'month' } }, staff);
    const outcomes = await env.rights.ledger.grant(
      [request('c1', { type: 'right', id: right.id }, 'o1'), request('c1', { type: 'right', id: right.id }, 'o2'), request('c2', { type: 'right', id: right.id }, 'o1')],
      staff,
    );
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'RT_CUSTOMER_CAP', 'ok']);
    await env.rights.ledger.recover(grantsOf(outcomes[0])[0]!.id, 'wrong customer', staff);
    const [after] = await env.rights.ledger.grant([request('c1', { type: 'right', id: right.id }, 'o3')], staff);
    expect(after!.ok).toBe(true);
  });

  it('reserves from stock, refuses when it runs out, and gives released units back', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    await env.rights.inventory.setLocalStock({ type: 'right', id: right.id }, 2);
    const outcomes = await env.rights.ledger.reserve(['c1', 'c2', 'c3'].map((c) => request(c, { type: 'right', id: right.id })), staff);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'ok', 'RT_OUT_OF_STOCK']);
    let [stock] = await env.rights.inventory.list();
    expect(stock).toMatchObject({ total: 2, reserved: 2, granted: 0, remaining: 0, ownerName: '满100减10' });
    await env.rights.ledger.commit([outcomes[0]!.bundleId!], staff);
    await env.rights.ledger.release([outcomes[1]!.bundleId!], staff);
    [stock] = await env.rights.inventory.list();
    expect(stock).toMatchObject({ reserved: 0, granted: 1, remaining: 1 });
    await expect(env.rights.inventory.setLocalStock({ type: 'right', id: right.id }, 0)).rejects.toMatchObject({ code: 'RT_STOCK_TOTAL_TOO_LOW' });
  });

  it('takes allotments from HQ before local stock, and stops at a returned allotment', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    await env.rights.inventory.setLocalStock({ type: 'right', id: right.id }, 1);
    await env.rights.inventory.addAllotment({ owner: { type: 'right', id: right.id }, allotmentId: 'hq-7', from: 'HQ', total: 1 });
    const [a] = await env.rights.ledger.grant([request('c1', { type: 'right', id: right.id })], staff);
    expect(grantsOf(a)[0]!.rightStockId).toBe('A-hq-7');
    const [b] = await env.rights.ledger.grant([request('c2', { type: 'right', id: right.id })], staff);
    expect(grantsOf(b)[0]!.rightStockId).toBe(`L-right-${right.id}`);
    const returned = await env.rights.inventory.returnAllotment('A-hq-7');
    expect(returned).toMatchObject({ state: 'returned', total: 1, granted: 1 });
    const [c] = await env.rights.ledger.grant([request('c3', { type: 'right', id: right.id })], staff);
    expect(c).toMatchObject({ ok: false, error: { code: 'RT_OUT_OF_STOCK' } });
  });

  it('never lets stock go negative under 8 concurrent reserve/commit/release loops, and totals reconcile', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const pkgRight = await env.rights.catalog.createRight(points, staff);
    const pkg = await env.rights.catalog.createPackage({ name: '礼包', items: [{ rightId: pkgRight.id, quantity: 2 }] }, staff);
    await env.rights.inventory.setLocalStock({ type: 'right', id: right.id }, 40);
    await env.rights.inventory.setLocalStock({ type: 'package', id: pkg.id }, 25);
    await env.rights.inventory.setLocalStock({ type: 'right', id: pkgRight.id }, 45);
    let violations = 0;
    // Every stock write is checked as it happens, not only at the end.
    const watch = env.database.collections.allotments.$.subscribe((event) => {
      const s = event.documentData;
      if (s.reserved < 0 || s.granted < 0 || s.reserved + s.granted > s.total) violations++;
    });
    let refused = 0;
    const loop = async (worker: number) => {
      for (let i = 0; i < 12; i++) {
        const subject = i % 3 === 2 ? { type: 'package' as const, id: pkg.id } : { type: 'right' as const, id: right.id };
        const reqs = [0, 1, 2].map((k) => request(`w${worker}-c${i}-${k}`, subject, `loop-${i}`));
        const reserved = await env.rights.ledger.reserve(reqs, { type: 'plan', id: `w${worker}` });
        refused += reserved.filter((o) => !o.ok).length;
        const ok = reserved.flatMap((o) => (o.ok ? [o.bundleId] : []));
        const [commit, release] = [ok.filter((_, k) => (k + i + worker) % 2 === 0), ok.filter((_, k) => (k + i + worker) % 2 === 1)];
        await env.rights.ledger.commit(commit, { type: 'plan', id: `w${worker}` });
        await env.rights.ledger.release(release, { type: 'plan', id: `w${worker}` });
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(loop));
    watch.unsubscribe();
    expect(violations).toBe(0);
    expect(refused).toBeGreaterThan(0);

    const grants = (await env.database.collections.grants.find().exec()).map((d) => d.toJSON());
    const stocks = await env.rights.inventory.list();
    for (const stock of stocks) {
      const holding = grants.filter((g) => g.rightStockId === stock.id || g.packageStockId === stock.id);
      expect(stock.reserved, stock.id).toBe(holding.filter((g) => g.state === 'reserved').length);
      expect(stock.granted, stock.id).toBe(holding.filter((g) => (STOCK_GRANTED_STATES as readonly string[]).includes(g.state)).length);
      expect(stock.remaining).toBeGreaterThanOrEqual(0);
    }
    expect(stocks.find((s) => s.ownerId === right.id)!.reserved).toBe(0);
    expect(await env.rights.inventory.reconcile()).toEqual([]);
    // Every grant has exactly one record per transition.
    const records = await env.database.collections.operationRecords.count().exec();
    expect(records).toBe(grants.reduce((sum, g) => sum + g.seq, 0));
  });

  it('leaves stored data unchanged when input is bad', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    const before = await env.database.counts();
    await expect(env.rights.catalog.updateRight(right.id, { ...coupon, params: { benefit: { type: 'amount-off', amountOff: -5 } } }, 1, staff)).rejects.toMatchObject({ code: 'RT_INVALID_PARAMS' });
    await expect(env.rights.catalog.createRight({ name: '', kind: 'coupon', params: {} }, staff)).rejects.toMatchObject({ code: 'RT_INVALID_PARAMS' });
    await expect(env.rights.catalog.createPackage({ name: 'p', items: [{ rightId: 'nope' }] }, staff)).rejects.toMatchObject({ code: 'SYS_NOT_FOUND' });
    const [unknown] = await env.rights.ledger.grant([request('c1', { type: 'right', id: 'nope' })], staff);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'SYS_NOT_FOUND' } });
    await expect(env.rights.ledger.use('not a code', staff)).rejects.toMatchObject({ code: 'RT_CODE_MALFORMED' });
    await expect(env.rights.ledger.recover('missing', 'x', staff)).rejects.toMatchObject({ code: 'SYS_NOT_FOUND' });
    expect(await env.database.counts()).toEqual(before);
    expect((await env.rights.catalog.getRight(right.id)).version).toBe(1);
  });

  it('refuses to edit or delete an operation record', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    await env.rights.ledger.grant([request('c1', { type: 'right', id: right.id })], staff);
    const record = await env.database.collections.operationRecords.findOne().exec();
    await expect(record!.incrementalPatch({ reason: 'edited' })).rejects.toMatchObject({ code: 'RT_RECORD_IMMUTABLE' });
    await expect(record!.remove()).rejects.toMatchObject({ code: 'RT_RECORD_IMMUTABLE' });
    expect((await env.database.collections.operationRecords.findOne(record!.id).exec())!.reason).toBeNull();
  });

  it('finds records by plan, type, right kind and date, newest first', async () => {
    const right = await env.rights.catalog.createRight(coupon, staff);
    await env.rights.ledger.reserveAndCommit([request('c1', { type: 'right', id: right.id }, 'o1', 'plan-a')], staff);
    env.clock.advance(DAY);
    await env.rights.ledger.reserveAndCommit([request('c2', { type: 'right', id: right.id }, 'o1', 'plan-b')], staff);
    expect((await env.rights.records.search({ planId: 'plan-a' })).records.map((r) => r.customerId)).toEqual(['c1', 'c1']);
    expect((await env.rights.records.search({ type: 'right-granted' })).records.map((r) => r.customerId)).toEqual(['c2', 'c1']);
    expect((await env.rights.records.search({ from: T0 + DAY / 2 })).records.map((r) => r.type)).toEqual(['right-granted', 'right-reserved']);
    expect((await env.rights.records.search({ to: T0 + DAY / 2, rightKind: 'coupon' })).records).toHaveLength(2);
    const page = await env.rights.records.search({ limit: 3 });
    expect(page).toMatchObject({ more: true });
    expect(page.records).toHaveLength(3);
    expect(env.clock.now()).toBe(T0 + DAY);
  });
});
