// `npm run bench -- rights [--batches=N] [--rounds=N]`: grants per second through the rights
// ledger (reserve + commit + operation records, in batches of 500, on the app's real database
// file with schema validation), beside the storage's raw bulk-insert rate of grant documents
// measured in the same run, and redemption-code lookups per second.
// Rounds alternate the targets (the machine is shared); the best round of each counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../main/core/clock.ts';
import { newGrant } from '../main/core/rights/grant.ts';
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
    const rawRound = async () => {
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) {
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
        await database.collections.grants.bulkInsert(docs);
      }
      return (batches * BATCH * 1000) / (performance.now() - t0);
    };
    const grantRound = async () => {
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) await service.ledger.grant(requests(), staff);
      return (batches * BATCH * 1000) / (performance.now() - t0);
    };
    const twoStepRound = async () => {
      const t0 = performance.now();
      for (let b = 0; b < batches; b++) {
        const reserved = await service.ledger.reserve(requests(), staff);
        await service.ledger.commit(reserved.flatMap((o) => (o.ok ? [o.bundleId] : [])), staff);
      }
      return (batches * BATCH * 1000) / (performance.now() - t0);
    };
    const best = { raw: 0, grant: 0, twoStep: 0 };
    for (let round = 0; round < rounds; round++) {
      best.raw = Math.max(best.raw, await rawRound());
      best.grant = Math.max(best.grant, await grantRound());
      best.twoStep = Math.max(best.twoStep, await twoStepRound());
    }

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
    console.log(`${rounds} rounds of ${batches} batches of ${BATCH}; best round counts. Database: ${total.grants} grants, ${total.operationRecords} records at the end.\n`);
    const vsRaw = (x: number) => `${(x / best.raw).toFixed(2)} of raw`;
    printTable(
      ['operation', 'per second', 'vs raw insert', 'writes per unit'],
      [
        ['raw bulk insert of grant documents (baseline)', best.raw, '1.00', '1 grant'],
        ['grant: reserve + commit + records, one step', best.grant, vsRaw(best.grant), '1 grant, 2 records, stock'],
        ['reserve, then commit (two steps, as with a message)', best.twoStep, vsRaw(best.twoStep), '2 grant writes, 2 records, stock x2'],
        ['look up a code (find-code)', lookupRate, '-', 'read'],
        ['use a code (one at a time)', useRate, '-', '1 grant, 1 record'],
      ],
    );
    const target = best.grant / best.raw >= 1 / 3 ? 'met' : 'NOT met';
    console.log(`\nTarget (grants at least 1/3 of the raw bulk-insert rate): ${target} (${(best.grant / best.raw).toFixed(2)}).`);
  } finally {
    await service.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
