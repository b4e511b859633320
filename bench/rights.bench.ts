// `npm run bench -- rights [--batches=N] [--rounds=N]`: grants per second through the rights
// ledger (reserve + commit + its operation record in one step, in batches of 500, on the app's real database
// file with schema validation), beside the storage's raw bulk-insert rate of grant documents
// measured in the same run, and redemption-code lookups per second.
// The targets take turns batch by batch (the machine is shared); the median batch counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../main/core/clock.ts';
import { grantAtOnce, newGrant } from '../main/core/rights/grant.ts';
import { grantedAtOnceRecord } from '../main/core/rights/operation-record.ts';
import { toRecordDoc } from '../main/db/schemas/operation-records.ts';
import { openDatabase } from '../main/db/open-database.ts';
import { toGrantDoc } from '../main/db/schemas/grants.ts';
import { cryptoRandomBytes } from '../main/engine/rights/ids.ts';
import { RightsService } from '../main/engine/rights/rights-service.ts';
import type { GrantRequest } from '../main/engine/rights/rights-ledger.ts';
import { generateCode } from '../main/core/rights/coupon-code.ts';
import { printTable } from './table.ts';

const BATCH = 500;

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

const staff = { type: 'plan', id: 'bench' } as const;

export default async function rightsBench(): Promise<void> {
  const batches = flag('batches', 10);
  const rounds = Math.max(1, flag('rounds', 3));
  const dir = mkdtempSync(join(tmpdir(), 'bench-rights-'));
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 2));
  const database = await openDatabase({ dataDir: dir });
  const { service } = await RightsService.open({ collections: database.collections, clock, zone: () => 'Asia/Shanghai', journalFile: join(dir, 'rights-step.flag') });
  try {
    const right = await service.catalog.createRight(
      { name: '满100减10', kind: 'coupon', params: { benefit: { type: 'amount-off', amountOff: 1000 }, minSpend: 10000, validity: { type: 'days-from-grant', days: 30 } } },
      staff,
    );
    await service.inventory.setLocalStock({ type: 'right', id: right.id }, 100_000_000);
    let customer = 0;
    const requests = (): GrantRequest[] =>
      Array.from({ length: BATCH }, () => ({ key: { planId: 'bench', occurrence: 'o', customerId: `C${++customer}`, actionId: 'a' }, subject: { type: 'right' as const, id: right.id } }));

    // Raw: the same grant documents (with codes), straight into the grants collection.
    let raw = 0;
    const rawBatch = async () => {
      const docs = Array.from({ length: BATCH }, () => {
        const n = ++raw;
        return toGrantDoc(
          newGrant({
            id: `RAW-${n}:0`,
            key: { planId: 'raw', occurrence: 'o', customerId: `R${n}`, actionId: 'a' },
            bundleId: `RAW-${n}`,
            index: 0,
            runId: null,
            right,
            packageId: null,
            packageVersion: null,
            rightStockId: null,
            packageStockId: null,
            code: generateCode(cryptoRandomBytes),
            zone: 'Asia/Shanghai',
            now: clock.now(),
          }),
        );
      });
      const t0 = performance.now();
      await database.collections.grants.bulkInsert(docs);
      return (BATCH * 1000) / (performance.now() - t0);
    };
    // Raw, the same documents the ledger writes per one-step grant: the grant and its record.
    const rawLedgerDocsBatch = async () => {
      const docs = Array.from({ length: BATCH }, () => {
        const n = ++raw;
        const reserved = newGrant({
          id: `RAW-${n}:0`,
          key: { planId: 'raw', occurrence: 'o', customerId: `R${n}`, actionId: 'a' },
          bundleId: `RAW-${n}`,
          index: 0,
          runId: null,
          right,
          packageId: null,
          packageVersion: null,
          rightStockId: null,
          packageStockId: null,
          code: generateCode(cryptoRandomBytes),
          zone: 'Asia/Shanghai',
          now: clock.now(),
        });
        const granted = grantAtOnce(reserved, clock.now());
        return { grant: toGrantDoc(granted), record: toRecordDoc(grantedAtOnceRecord(granted, staff)) };
      });
      const t0 = performance.now();
      await database.collections.grants.bulkInsert(docs.map((d) => d.grant));
      await database.collections.operationRecords.bulkInsert(docs.map((d) => d.record));
      return (BATCH * 1000) / (performance.now() - t0);
    };
    const grantBatch = async () => {
      const reqs = requests();
      const t0 = performance.now();
      await service.ledger.grant(reqs, staff);
      return (BATCH * 1000) / (performance.now() - t0);
    };
    const twoStepBatch = async () => {
      const reqs = requests();
      const t0 = performance.now();
      const reserved = await service.ledger.reserve(reqs, staff);
      await service.ledger.commit(reserved.flatMap((o) => (o.ok ? [o.bundleId] : [])), staff);
      return (BATCH * 1000) / (performance.now() - t0);
    };
    // Batch by batch in turn, so a neighbour's burst hits all three alike; medians count.
    const rates = { raw: [] as number[], rawSame: [] as number[], grant: [] as number[], twoStep: [] as number[] };
    await rawBatch();
    await grantBatch();
    for (let i = 0; i < rounds * batches; i++) {
      rates.raw.push(await rawBatch());
      rates.rawSame.push(await rawLedgerDocsBatch());
      rates.grant.push(await grantBatch());
      rates.twoStep.push(await twoStepBatch());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const best = { raw: median(rates.raw), rawSame: median(rates.rawSame), grant: median(rates.grant), twoStep: median(rates.twoStep) };

    // Redemption at the till: look codes up (and use some), over every grant made above.
    const codes = (await database.collections.grants.find({ selector: { planKey: 'bench' }, limit: 5000 }).exec()).map((d) => d.code!);
    const lookups = Math.min(codes.length, 5000);
    let t0 = performance.now();
    for (let i = 0; i < lookups; i++) await service.ledger.findByCode(codes[(i * 7919) % codes.length]!);
    const lookupRate = (lookups * 1000) / (performance.now() - t0);
    const uses = Math.min(codes.length, 1000);
    t0 = performance.now();
    for (let i = 0; i < uses; i++) await service.ledger.use(codes[i]!, { type: 'pos', id: 'bench' });
    const useRate = (uses * 1000) / (performance.now() - t0);

    const total = await database.counts();
    console.log(`${rounds * batches} batches of ${BATCH} of each, in turn; medians. Database: ${total.grants} grants, ${total.operationRecords} records at the end.\n`);
    const vs = (x: number, base: number) => (x / base).toFixed(2);
    printTable(
      ['operation', 'per second', 'vs raw insert', 'vs raw, same docs', 'documents written per unit'],
      [
        ['raw bulk insert of grant documents (baseline)', best.raw, '1.00', '-', '1 grant'],
        ['raw bulk insert of a grant and its record', best.rawSame, vs(best.rawSame, best.raw), '1.00', '1 grant, 1 record'],
        ['grant: reserve + commit + record, one step', best.grant, vs(best.grant, best.raw), vs(best.grant, best.rawSame), '1 grant, 1 record, stock'],
        ['reserve, then commit (two steps, as the API grants)', best.twoStep, vs(best.twoStep, best.raw), vs(best.twoStep, best.rawSame), '2 grant writes, 2 records, stock x2'],
        ['look up a code (find-code)', lookupRate, '-', '-', 'read'],
        ['use a code (one at a time, durable)', useRate, '-', '-', '1 grant, 1 record'],
      ],
    );
    const ratio = best.grant / best.raw;
    console.log(`\nTarget (grants at least 1/3 of the raw bulk-insert rate): ${ratio >= 1 / 3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}; every grant writes two documents: the grant and its record).`);
  } finally {
    await service.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
