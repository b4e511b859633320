import { existsSync, writeFileSync } from 'node:fs';
import { applyGrantEvent, grantAtOnce } from '../../core/rights/grant.ts';
import { toGrantDoc } from '../../db/schemas/grants.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { coupon, openTestRights, staff } from './test-rights.ts';

describe('rights ledger after an interrupted step', () => {
  it('rebuilds missing records and stock counters when the step flag was left behind', async () => {
    const dir = makeTempDir('campaign-desk-rights-');
    try {
      const first = await openTestRights({ journal: true, dir: dir.path });
      const right = await first.rights.catalog.createRight(coupon, staff);
      const stock = await first.rights.inventory.setLocalStock({ type: 'right', id: right.id }, 10);
      const [outcome] = await first.rights.ledger.grant([{ key: { planId: 'p', occurrence: 'o', customerId: 'c1', actionId: 'a' }, subject: { type: 'right', id: right.id } }], staff);
      expect(existsSync(`${dir.path}/rights-step.flag`)).toBe(false);
      // A crash after a step wrote its grant but neither its record nor the stock counters:
      const grant = outcome!.ok ? outcome!.grants[0]! : null;
      const used = applyGrantEvent(grant!, { type: 'use' }, first.clock.now());
      const doc = await first.database.collections.grants.findOne(used.id).exec();
      await doc!.incrementalModify(() => toGrantDoc(used));
      await first.database.collections.grants.insert(toGrantDoc({ ...grant!, id: 'orphan:0', bundleId: 'orphan', key: 'orphan', code: null, state: 'reserved', seq: 1 }));
      // ...one reserved and committed in one step by an older version (seq 2), with neither of its two records,
      const fast = applyGrantEvent({ ...grant!, id: 'fast:0', bundleId: 'fast', key: 'fast', code: null, rightStockId: null, state: 'reserved', seq: 1 }, { type: 'commit' }, first.clock.now());
      await first.database.collections.grants.insert(toGrantDoc(fast));
      // ...and one granted at once (seq 1) without its one record.
      const once = grantAtOnce({ ...grant!, id: 'once:0', bundleId: 'once', key: 'once', code: null, rightStockId: null, state: 'reserved', seq: 1 }, first.clock.now());
      await first.database.collections.grants.insert(toGrantDoc(once));
      writeFileSync(`${dir.path}/rights-step.flag`, '1\n');
      await first.close();

      const second = await openTestRights({ journal: true, dir: dir.path });
      expect(second.repair).toMatchObject({ interrupted: true, recordsWritten: 5 });
      expect(second.repair.stockCorrections).toEqual([{ stockId: stock.id, drift: ['reserved 0 != 1'] }]);
      const records = (await second.rights.records.search({ customerId: 'c1' })).records;
      expect(records.map((r) => r.type).sort()).toEqual(['right-granted', 'right-granted', 'right-granted', 'right-reserved', 'right-reserved', 'right-used']);
      expect(records.filter((r) => r.grantId === 'fast:0').map((r) => r.id).sort()).toEqual(['fast:0.1', 'fast:0.2']);
      expect(records.filter((r) => r.grantId === 'once:0')).toMatchObject([{ id: 'once:0.1', type: 'right-granted', fromState: null, toState: 'granted', actor: { type: 'system', id: 'repair' } }]);
      expect(records.find((r) => r.type === 'right-used')).toMatchObject({ fromState: 'granted', actor: { type: 'system', id: 'repair' } });
      expect(existsSync(`${dir.path}/rights-step.flag`)).toBe(false);
      expect(await second.rights.inventory.reconcile()).toEqual([]);
      await second.close();
    } finally {
      dir.remove();
    }
  });
});
