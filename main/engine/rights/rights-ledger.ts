import type { RxDocumentData } from 'rxdb';
import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import { formatCode, generateCode, normalizeCode, randomPrefix, type RandomBytes } from '../../core/rights/coupon-code.ts';
import { assertWithinCap, type CustomerCap, type PriorBundle } from '../../core/rights/customer-cap.ts';
import { applyGrantEvent, grantAtOnce, grantKeyString, isDue, newGrant, type Grant, type GrantEvent, type GrantKey } from '../../core/rights/grant.ts';
import { adjustmentRecord, balancesOf, grantedAtOnceRecord, reservedRecord, transitionRecord, type Actor, type AdjustmentInput, type Balances, type OperationRecord } from '../../core/rights/operation-record.ts';
import { periodOccurrence, type GrantPeriod } from '../../core/rights/period-key.ts';
import { isRedeemable, type RightVersion } from '../../core/rights/right.ts';
import type { PackageVersion } from '../../core/rights/rights-package.ts';
import type { Validity } from '../../core/rights/validity.ts';
import type { StockDoc } from '../../db/schemas/allotments.ts';
import { fromGrantDoc, toGrantDoc, type GrantDoc } from '../../db/schemas/grants.ts';
import { toRecordDoc, type RecordDoc } from '../../db/schemas/operation-records.ts';
import { versionId } from '../../db/schemas/rights.ts';
import { DocStore, plain } from './doc-store.ts';
import { bundleIdFor, grantIdFor } from './ids.ts';
import type { RightsCatalog } from './rights-catalog.ts';
import type { RightsCollections } from './rights-collections.ts';
import type { SerialQueue } from './serial-queue.ts';
import { StockPlan } from './stock-plan.ts';

/** What to grant: a right or a package, at its current version unless one is named. */
export interface GrantSubject {
  type: 'right' | 'package';
  id: string;
  version?: number;
}

/** One grant request: its idempotency key and subject. */
export interface GrantRequest {
  key: GrantKey;
  subject: GrantSubject;
  runId?: string | null;
}

/** The result of one request or bundle in a batch: its grants, or why it failed. */
export type BundleOutcome = { ok: true; bundleId: string; grants: Grant[]; existing: boolean } | { ok: false; bundleId: string | null; error: CampaignError };

/** Largest batch of requests per ledger step (a step's writes are bounded). */
export const MAX_BATCH = 1000;

/**
 * From this many new codes in one step, the codes share a random 2-symbol prefix (each keeps
 * 13 random symbols of its own, 65 bits), so the clash check is one index range.
 */
const SHARED_PREFIX_FROM = 32;

interface Unit {
  right: RightVersion;
  pkg: PackageVersion | null;
}

interface Resolved {
  units: Unit[];
  pkg: PackageVersion | null;
  cap: CustomerCap | null;
  label: string;
}

/** One grant's new state and the records of its transitions in this step, oldest first. */
type Write = { grant: Grant; previous: RxDocumentData<GrantDoc> | null; records: OperationRecord[] };

export interface LedgerOptions {
  collections: RightsCollections;
  catalog: RightsCatalog;
  queue: SerialQueue;
  clock: Clock;
  /** The store's IANA time zone: the days of validity periods and caps. */
  zone: () => string;
  randomBytes: RandomBytes;
  /** Called after each step that changed data, with the collections it wrote. */
  onChange?: (collections: string[]) => void;
  /** Marks steps in progress, so a crash in the middle of one is noticed at the next start. */
  journal?: StepJournal;
}

/** A flag that is set while a ledger step writes (see `FileStepJournal`). */
export interface StepJournal {
  begin(): void;
  end(): void;
}

/**
 * The grant ledger: reserves, commits and releases stock, records every transition of every
 * grant, and redeems, restores, recovers and expires grants.
 *
 * Invariants: every write goes through the serial queue (one step at a time); a step writes
 * grants, then their operation records, then stock counters, so stock never goes negative
 * and the records match the grants. Records are only ever inserted.
 */
export class RightsLedger {
  readonly grants: DocStore<GrantDoc>;
  readonly records: DocStore<RecordDoc>;
  readonly stocks: DocStore<StockDoc>;

  constructor(private readonly options: LedgerOptions) {
    this.grants = new DocStore(options.collections.grants);
    this.records = new DocStore(options.collections.operationRecords);
    this.stocks = new DocStore(options.collections.allotments);
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** Reserves stock and writes `reserved` grants; commit or release them later. */
  reserve(requests: readonly GrantRequest[], actor: Actor): Promise<BundleOutcome[]> {
    return this.options.queue.run(() => this.reserveStep(requests, actor));
  }

  /** Turns reserved bundles into granted ones (points and growth value are credited now). */
  commit(bundleIds: readonly string[], actor: Actor): Promise<BundleOutcome[]> {
    return this.options.queue.run(() => this.settleStep(bundleIds, 'commit', actor));
  }

  /** Gives reserved bundles' stock back (a failed message, a cancelled run). */
  release(bundleIds: readonly string[], actor: Actor): Promise<BundleOutcome[]> {
    return this.options.queue.run(() => this.settleStep(bundleIds, 'release', actor));
  }

  /**
   * Reserve and commit in one ledger step (what a plan's run and a periodic grant do): each new
   * grant is written once, already granted, with one `right-granted` record (see
   * `grantAtOnce`). Bundles an earlier call left reserved are committed in the same step.
   */
  grant(requests: readonly GrantRequest[], actor: Actor): Promise<BundleOutcome[]> {
    return this.options.queue.run(async () => {
      const reserved = await this.reserveStep(requests, actor, true);
      // Only bundles found reserved by an earlier call are left to commit.
      const toCommit = reserved.flatMap((o) => (o.ok && o.grants.some((g) => g.state === 'reserved') ? [o.bundleId] : []));
      const committed = new Map((await this.settleStep(toCommit, 'commit', actor)).map((o) => [o.bundleId, o]));
      return reserved.map((o) => (o.ok ? (committed.get(o.bundleId) ?? o) : o));
    });
  }

  /**
   * Reserve, then commit, as two ledger steps with a record each (`right-reserved`, then
   * `right-granted`): what a grant by staff or a script through the API does. Idempotent like
   * `grant`: a key whose bundle is already granted answers it, one left reserved is committed.
   */
  async reserveAndCommit(requests: readonly GrantRequest[], actor: Actor): Promise<BundleOutcome[]> {
    const reserved = await this.reserve(requests, actor);
    const toCommit = reserved.flatMap((o) => (o.ok && o.grants.some((g) => g.state === 'reserved') ? [o.bundleId] : []));
    const committed = new Map((await this.commit(toCommit, actor)).map((o) => [o.bundleId, o]));
    return reserved.map((o) => (o.ok ? (committed.get(o.bundleId) ?? o) : o));
  }

  /**
   * Grants a periodic right or package: once per customer per period (day, week or month
   * in the store's zone), however often it is called in that period.
   */
  grantPeriodic(
    input: { subject: GrantSubject; customerIds: readonly string[]; period: GrantPeriod; planId: string; actionId: string; runId?: string | null },
    actor: Actor,
  ): Promise<BundleOutcome[]> {
    const occurrence = periodOccurrence(input.period, this.now(), this.options.zone());
    return this.grant(
      input.customerIds.map((customerId) => ({ key: { planId: input.planId, occurrence, customerId, actionId: input.actionId }, subject: input.subject, runId: input.runId ?? null })),
      actor,
    );
  }

  /** Redeems a code (the till, staff, or the CLI). */
  use(code: string, actor: Actor, note: string | null = null): Promise<Grant> {
    return this.options.queue.run(async () => this.transitionOne(await this.byCode(code), { type: 'use' }, actor, note));
  }

  /** Gives a used right back (回补), e.g. after its order was refunded. */
  restore(code: string, reason: string, actor: Actor, validity?: Validity | null): Promise<Grant> {
    return this.options.queue.run(async () => this.transitionOne(await this.byCode(code), { type: 'restore', validity }, actor, reason));
  }

  /** Takes back an unused right (回收). Points and growth value are debited. */
  recover(grantId: string, reason: string, actor: Actor): Promise<Grant> {
    return this.options.queue.run(async () => {
      const doc = (await this.grants.byIds([grantId])).get(grantId);
      if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'grant' satisfies NotFoundWhat, id: grantId });
      const grant = fromGrantDoc(plain(doc));
      if (grant.kind === 'points' || grant.kind === 'growth-value') await this.assertDebitable(grant);
      return this.transitionOne(doc, { type: 'recover' }, actor, reason);
    });
  }

  /** Marks grants past their expiry as expired, in steps of `batch`; returns how many. */
  async expireDue(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.options.queue.run(async () => {
        const now = this.now();
        const due = await this.grants.find({
          selector: { state: { $in: ['granted', 'restored'] }, expiryKey: { $lte: now } },
          sort: [{ state: 'asc' }, { expiryKey: 'asc' }],
          limit: batch,
        });
        const writes: Write[] = [];
        const current = await this.grants.byIds(due.map((d) => d.id));
        for (const doc of current.values()) {
          const before = fromGrantDoc(plain(doc));
          if (!isDue(before, now)) continue;
          const after = applyGrantEvent(before, { type: 'expire' }, now);
          writes.push({ grant: after, previous: doc, records: [transitionRecord(before, after, { type: 'expire' }, { type: 'system', id: 'expiry-sweep' }, null)] });
        }
        await this.write(writes, null);
        return writes.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }

  /** The grant with this code (any state); RT_CODE_MALFORMED or RT_CODE_UNKNOWN. */
  async findByCode(code: string): Promise<Grant> {
    return fromGrantDoc(plain(await this.byCode(code)));
  }

  async getGrant(id: string): Promise<Grant> {
    const doc = (await this.grants.byIds([id])).get(id);
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'grant' satisfies NotFoundWhat, id });
    return fromGrantDoc(plain(doc));
  }

  /** A customer's grants, newest first. */
  async grantsOf(customerId: string): Promise<Grant[]> {
    const docs = await this.grants.find({ selector: { customerId }, sort: [{ customerId: 'asc' }, { state: 'asc' }] });
    return docs.map((d) => fromGrantDoc(plain(d))).sort((a, b) => b.reservedAt - a.reservedAt || a.id.localeCompare(b.id));
  }

  /** The grants of one bundle, in order. */
  async bundle(bundleId: string): Promise<Grant[]> {
    const docs = (await this.bundleDocs([bundleId])).get(bundleId) ?? [];
    return docs.map((d) => fromGrantDoc(plain(d)));
  }

  /**
   * The stored grants of bundles, in order, by primary key: a bundle's grant ids are
   * `<bundleId>:<index>`, and its size follows from its first grant (1 for a right, the
   * package version's units for a package).
   */
  private async bundleDocs(bundleIds: readonly string[]): Promise<Map<string, RxDocumentData<GrantDoc>[]>> {
    const firsts = await this.grants.byIds(bundleIds.map((b) => grantIdFor(b, 0)));
    const sizes = new Map<string, number>();
    const packages = new Map<string, number>();
    for (const first of firsts.values()) {
      let size = 1;
      if (first.packageId !== null && first.packageVersion !== null) {
        const key = `${first.packageId}@${first.packageVersion}`;
        if (!packages.has(key)) {
          const pkg = await this.options.catalog.getPackage(first.packageId, first.packageVersion);
          packages.set(key, pkg.items.reduce((sum, i) => sum + i.quantity, 0));
        }
        size = packages.get(key)!;
      }
      sizes.set(first.bundleId, size);
    }
    const ids = [...sizes].flatMap(([b, size]) => Array.from({ length: size - 1 }, (_, i) => grantIdFor(b, i + 1)));
    const rest = await this.grants.byIds(ids);
    const out = new Map<string, RxDocumentData<GrantDoc>[]>();
    for (const [b, size] of sizes) {
      const docs = [firsts.get(grantIdFor(b, 0))!];
      for (let i = 1; i < size; i++) {
        const doc = rest.get(grantIdFor(b, i));
        if (doc) docs.push(doc);
      }
      out.set(b, docs);
    }
    return out;
  }

  /** A customer's points and growth value: the sums of their records. */
  async balances(customerId: string): Promise<Balances> {
    const docs = await this.records.find({ selector: { customerId } });
    return balancesOf(docs);
  }

  /** Corrects a customer's balances with a new record (records are never edited). */
  adjustBalance(input: AdjustmentInput, actor: Actor, id: string): Promise<OperationRecord> {
    return this.options.queue.run(async () => {
      const record = adjustmentRecord(input, await this.balances(input.customerId), { id, now: this.now(), actor });
      await this.records.insert([toRecordDoc(record)]);
      this.options.onChange?.(['operationRecords']);
      return record;
    });
  }

  /**
   * Writes the operation record of each grant's latest transition where it is missing: only
   * a crash between a step's grant and record writes leaves such a gap. The record is
   * rebuilt from the grant, with the `system:repair` actor. Returns how many were written.
   */
  repairRecords(): Promise<number> {
    return this.options.queue.run(async () => {
      let written = 0;
      let after = '';
      for (;;) {
        const page = await this.grants.find({ selector: { id: { $gt: after } }, sort: [{ id: 'asc' }], limit: 1000 });
        // A grant reserved and committed in one step before grants at once had one record (seq
        // 2, records 1 and 2 written together) may miss both of its records.
        const have = await this.records.byIds(page.flatMap((g) => (g.seq === 2 ? [`${g.id}.1`, `${g.id}.2`] : [`${g.id}.${g.seq}`])));
        const missing: OperationRecord[] = [];
        for (const doc of page) {
          const g = fromGrantDoc(plain(doc));
          if (g.seq === 2 && !have.has(`${g.id}.1`)) missing.push(reservedRecord({ ...g, state: 'reserved', seq: 1 }, REPAIR));
          if (!have.has(`${g.id}.${g.seq}`)) missing.push(rebuildRecord(g));
        }
        await this.records.insert(missing.map(toRecordDoc));
        written += missing.length;
        if (page.length < 1000) return written;
        after = page[page.length - 1]!.id;
      }
    });
  }

  // ---- steps (run inside the queue) ----

  /**
   * Reserves new bundles; with `commitNow` also commits them in the same step, so each grant
   * is written once, already granted, with one record (`grantAtOnce`).
   */
  private async reserveStep(requests: readonly GrantRequest[], actor: Actor, commitNow = false): Promise<BundleOutcome[]> {
    if (requests.length > MAX_BATCH) throw new CampaignError('RT_BAD_QUANTITY', { what: 'batch', value: requests.length });
    const now = this.now();
    const zone = this.options.zone();
    const outcomes: BundleOutcome[] = new Array(requests.length);
    const resolved = await this.resolveSubjects(requests.map((r) => r.subject));

    // Idempotency: a key that already has a live bundle gets that bundle back.
    const live = await this.liveBundles(requests.map((r) => r.key));
    const owners = [...resolved.values()].flatMap((r) => (r instanceof CampaignError ? [] : [...r.units.map((u) => ({ type: 'right' as const, id: u.right.id })), ...(r.pkg ? [{ type: 'package' as const, id: r.pkg.id }] : [])]));
    const plan = await StockPlan.load(this.stocks, owners, now);
    const priorByCustomer = new Map<string, Grant[]>();
    const writes: Write[] = [];
    const codes = new Set<string>();
    const newCodes = requests.reduce((n, r) => {
      const sub = resolved.get(subjectKey(r.subject));
      return n + (sub && !(sub instanceof CampaignError) ? sub.units.filter((u) => isRedeemable(u.right)).length : 0);
    }, 0);
    const prefix = newCodes >= SHARED_PREFIX_FROM ? randomPrefix(this.randomPool, 2) : '';

    for (const [i, request] of requests.entries()) {
      const sub = resolved.get(subjectKey(request.subject));
      const found = live.get(i);
      try {
        if (!sub || sub instanceof CampaignError) throw sub ?? new CampaignError('SYS_NOT_FOUND', { what: request.subject.type satisfies NotFoundWhat, id: request.subject.id });
        if (found && found.grants.length > 0) {
          const first = found.grants[0]!;
          const same = sub.pkg ? first.packageId === sub.pkg.id : first.packageId === null && first.rightId === sub.units[0]?.right.id;
          if (!same) throw new CampaignError('RT_KEY_REUSED', { key: JSON.stringify([request.key.planId, request.key.occurrence, request.key.customerId, request.key.actionId]) });
          outcomes[i] = { ok: true, bundleId: found.bundleId, grants: found.grants, existing: true };
          continue;
        }
        const bundleId = found?.bundleId ?? bundleIdFor(request.key, 1);
        if (sub.cap) {
          let prior = priorByCustomer.get(request.key.customerId);
          if (!prior) priorByCustomer.set(request.key.customerId, (prior = await this.grantsOf(request.key.customerId)));
          const pending = writes.filter((w) => w.grant.customerId === request.key.customerId).map((w) => w.grant);
          assertWithinCap(sub.cap, priorBundles([...prior, ...pending], request.subject), {
            planId: request.key.planId === 'manual' ? null : request.key.planId,
            now,
            zone,
            customerId: request.key.customerId,
            subject: sub.label,
          });
        }
        const grants = plan.atomically(() => {
          const rightStocks = new Map<string, (string | null)[]>();
          const perRight = new Map<string, number>();
          for (const u of sub.units) perRight.set(u.right.id, (perRight.get(u.right.id) ?? 0) + 1);
          for (const [rightId, n] of perRight) rightStocks.set(rightId, plan.reserve('right', rightId, n, sub.units.find((u) => u.right.id === rightId)!.right.name));
          const packageStock = sub.pkg ? plan.reserve('package', sub.pkg.id, 1, sub.pkg.name)[0]! : null;
          return sub.units.map((unit, index) =>
            newGrant({
              id: grantIdFor(bundleId, index),
              key: request.key,
              bundleId,
              index,
              runId: request.runId ?? null,
              right: unit.right,
              packageId: unit.pkg?.id ?? null,
              packageVersion: unit.pkg?.version ?? null,
              rightStockId: rightStocks.get(unit.right.id)!.shift() ?? null,
              packageStockId: index === 0 ? packageStock : null,
              code: isRedeemable(unit.right) ? this.newCode(codes, prefix) : null,
              zone,
              now,
            }),
          );
        });
        for (const grant of grants) writes.push({ grant, previous: null, records: commitNow ? [] : [reservedRecord(grant, actor)] });
        outcomes[i] = { ok: true, bundleId, grants, existing: false };
      } catch (error) {
        if (!(error instanceof CampaignError)) throw error;
        outcomes[i] = { ok: false, bundleId: found && found.grants.length > 0 ? found.bundleId : null, error };
      }
    }
    await this.ensureUniqueCodes(writes, prefix);
    if (commitNow) {
      for (const w of writes) {
        const after = grantAtOnce(w.grant, now);
        for (const stockId of [w.grant.rightStockId, w.grant.packageStockId]) if (stockId) plan.commit(stockId, 1);
        w.records = [grantedAtOnceRecord(after, actor)];
        w.grant = after;
      }
    }
    // Answer with what is written (codes may have been redrawn, grants committed).
    const written = new Map(writes.map((w) => [w.grant.id, w.grant]));
    for (const [i, o] of outcomes.entries()) if (o.ok && !o.existing) outcomes[i] = { ...o, grants: o.grants.map((g) => written.get(g.id) ?? g) };
    await this.write(writes, plan);
    return outcomes;
  }

  private async settleStep(bundleIds: readonly string[], event: 'commit' | 'release', actor: Actor): Promise<BundleOutcome[]> {
    if (bundleIds.length > MAX_BATCH) throw new CampaignError('RT_BAD_QUANTITY', { what: 'batch', value: bundleIds.length });
    const now = this.now();
    const byBundle = await this.bundleDocs(bundleIds);
    const current = [...byBundle.values()].flat();
    const owners = current.flatMap((d) => [{ type: 'right' as const, id: d.rightId }, ...(d.packageId ? [{ type: 'package' as const, id: d.packageId }] : [])]);
    const plan = await StockPlan.load(this.stocks, owners, now);
    const writes: Write[] = [];
    const outcomes: BundleOutcome[] = [];
    for (const bundleId of bundleIds) {
      const bundleDocs = byBundle.get(bundleId) ?? [];
      try {
        if (bundleDocs.length === 0) throw new CampaignError('SYS_NOT_FOUND', { what: 'grant-bundle' satisfies NotFoundWhat, id: bundleId });
        const before = bundleDocs.map((d) => fromGrantDoc(plain(d)));
        // Settling twice is a no-op: a retried commit finds its bundle already granted.
        if (!before.some((g) => g.state === 'reserved')) {
          const settled = event === 'commit' ? before.every((g) => g.state !== 'released') : before.every((g) => g.state === 'released');
          if (!settled) applyGrantEvent(before[0]!, { type: event }, now);
          outcomes.push({ ok: true, bundleId, grants: before, existing: true });
          continue;
        }
        const after = plan.atomically(() =>
          before.map((g) => {
            const next = applyGrantEvent(g, { type: event }, now);
            for (const stockId of [g.rightStockId, g.packageStockId]) {
              if (!stockId) continue;
              if (event === 'commit') plan.commit(stockId, 1);
              else plan.release(stockId, 1);
            }
            return next;
          }),
        );
        after.forEach((g, i) => writes.push({ grant: g, previous: bundleDocs[i]!, records: [transitionRecord(before[i]!, g, { type: event }, actor, null)] }));
        outcomes.push({ ok: true, bundleId, grants: after, existing: false });
      } catch (error) {
        if (!(error instanceof CampaignError)) throw error;
        outcomes.push({ ok: false, bundleId, error });
      }
    }
    await this.write(writes, plan);
    return outcomes;
  }

  /** One transition of one grant; a use that finds the grant past its expiry expires it first. */
  private async transitionOne(doc: RxDocumentData<GrantDoc>, event: GrantEvent, actor: Actor, reason: string | null): Promise<Grant> {
    const now = this.now();
    const before = fromGrantDoc(plain(doc));
    let after: Grant;
    try {
      after = applyGrantEvent(before, event, now);
    } catch (error) {
      if (error instanceof CampaignError && error.code === 'RT_EXPIRED' && isDue(before, now)) {
        const expired = applyGrantEvent(before, { type: 'expire' }, now);
        await this.write([{ grant: expired, previous: doc, records: [transitionRecord(before, expired, { type: 'expire' }, { type: 'system', id: 'expiry-sweep' }, null)] }], null);
      }
      throw error;
    }
    await this.write([{ grant: after, previous: doc, records: [transitionRecord(before, after, event, actor, reason)] }], null);
    return after;
  }

  /** Grants, then records, then stocks: see the class invariants. */
  private async write(writes: readonly Write[], plan: StockPlan | null): Promise<void> {
    const stockChanges = plan?.changes() ?? [];
    if (writes.length === 0 && stockChanges.length === 0) return;
    const inserts = writes.filter((w) => !w.previous).map((w) => toGrantDoc(w.grant));
    const updates = writes.flatMap((w) => (w.previous ? [{ previous: w.previous, next: toGrantDoc(w.grant) }] : []));
    this.options.journal?.begin();
    await this.grants.insert(inserts);
    await this.grants.update(updates, 'rights-ledger');
    await this.records.insert(writes.flatMap((w) => w.records.map(toRecordDoc)));
    await this.stocks.update(stockChanges, 'rights-ledger');
    this.options.journal?.end();
    this.options.onChange?.(stockChanges.length > 0 ? ['grants', 'operationRecords', 'allotments'] : ['grants', 'operationRecords']);
  }

  // ---- helpers ----

  private async byCode(input: string): Promise<RxDocumentData<GrantDoc>> {
    const code = normalizeCode(input);
    const doc = (await this.grants.findEqual('codeKey', code))[0];
    if (!doc) throw new CampaignError('RT_CODE_UNKNOWN', { code: formatCode(code) });
    return doc;
  }

  private newCode(taken: Set<string>, prefix = ''): string {
    let code = generateCode(this.randomPool, prefix);
    while (taken.has(code)) code = generateCode(this.randomPool, prefix);
    taken.add(code);
    return code;
  }

  private pool: Uint8Array = new Uint8Array(0);
  private poolAt = 0;
  /** The random source, read in 4 KiB blocks: one call to the OS per ~270 codes. */
  private readonly randomPool = (n: number): Uint8Array => {
    if (this.poolAt + n > this.pool.length) {
      this.pool = this.options.randomBytes(Math.max(4096, n));
      this.poolAt = 0;
    }
    const out = this.pool.subarray(this.poolAt, this.poolAt + n);
    this.poolAt += n;
    return out;
  };

  /**
   * 75 random bits make a collision all but impossible; still, never store two equal codes.
   * (A plain `$in` over random codes would scan the index from the smallest to the largest,
   * i.e. nearly all of it: hence the shared prefix of large batches.)
   */
  private async ensureUniqueCodes(writes: Write[], prefix: string): Promise<void> {
    const taken = new Set(writes.flatMap((w) => (w.grant.code ? [w.grant.code] : [])));
    let pending = writes.filter((w) => w.grant.code);
    // A batch sharing a prefix is checked against the codes already stored with that prefix (one
    // range of the code index, about 1/1024 of the grants); a few codes (and replacements) with
    // one lookup each.
    const shared = prefix !== '' && pending.length >= SHARED_PREFIX_FROM;
    while (pending.length > 0) {
      const codes = pending.map((w) => w.grant.code!);
      const clashes = shared && codes.every((c) => c.startsWith(prefix))
        ? await this.grants.valuesWithPrefix('codeKey', prefix)
        : new Set([...(await this.grants.countEach('codeKey', codes))].filter(([, n]) => n > 0).map(([c]) => c));
      const clashing = pending.filter((w) => clashes.has(w.grant.code!));
      for (const w of clashing) {
        const code = this.newCode(taken, prefix);
        w.grant = { ...w.grant, code };
        w.records = w.records.map((r) => ({ ...r, code }));
      }
      pending = clashing;
    }
  }

  private async assertDebitable(grant: Grant): Promise<void> {
    const balances = await this.balances(grant.customerId);
    const [name, amount] = grant.kind === 'points' ? (['points', grant.params.amount] as const) : (['growth', (grant.params as { amount: number }).amount] as const);
    if (grant.state === 'granted' || grant.state === 'restored') {
      if (balances[name] - amount < 0) throw new CampaignError('RT_BALANCE_NEGATIVE', { customer: grant.customerId, balance: name, current: balances[name], delta: -amount });
    }
  }

  /**
   * For each request index: its key's live bundle (with its grants), or the id for a new
   * one (no grants). Bundles are probed by id, attempt after attempt, past released ones and
   * past ids taken by another key that hashes alike.
   */
  private async liveBundles(keys: readonly GrantKey[]): Promise<Map<number, { bundleId: string; grants: Grant[] }>> {
    const out = new Map<number, { bundleId: string; grants: Grant[] }>();
    let pending = keys.map((key, i) => ({ key, text: grantKeyString(key), i, attempt: 1, bundleId: bundleIdFor(key, 1) }));
    while (pending.length > 0) {
      const found = await this.grants.byIds(pending.map((p) => grantIdFor(p.bundleId, 0)));
      const next: typeof pending = [];
      for (const p of pending) {
        const first = found.get(grantIdFor(p.bundleId, 0));
        if (!first) out.set(p.i, { bundleId: p.bundleId, grants: [] });
        else if (first.state === 'released' || first.key !== p.text) next.push({ ...p, attempt: p.attempt + 1, bundleId: bundleIdFor(p.key, p.attempt + 1) });
        else out.set(p.i, { bundleId: p.bundleId, grants: await this.bundle(p.bundleId) });
      }
      pending = next;
    }
    return out;
  }

  private async resolveSubjects(subjects: readonly GrantSubject[]): Promise<Map<string, Resolved | CampaignError>> {
    const out = new Map<string, Resolved | CampaignError>();
    for (const subject of subjects) {
      const key = subjectKey(subject);
      if (out.has(key)) continue;
      try {
        if (subject.type === 'right') {
          const right = await this.options.catalog.getRight(subject.id, subject.version);
          out.set(key, { units: [{ right, pkg: null }], pkg: null, cap: right.cap, label: right.name });
        } else {
          const pkg = await this.options.catalog.getPackage(subject.id, subject.version);
          if (pkg.archived) throw new CampaignError('RT_ARCHIVED', { right: pkg.id, name: pkg.name });
          const rights = await this.options.catalog.rightVersions(pkg.items.map((i) => ({ id: i.rightId, version: i.rightVersion })));
          const units = pkg.items.flatMap((item) => new Array<Unit>(item.quantity).fill({ right: rights.get(versionId(item.rightId, item.rightVersion))!, pkg }));
          out.set(key, { units, pkg, cap: pkg.cap, label: pkg.name });
        }
      } catch (error) {
        if (!(error instanceof CampaignError)) throw error;
        out.set(key, error);
      }
    }
    return out;
  }
}

const REPAIR: Actor = { type: 'system', id: 'repair' };

/** The record of a grant's latest transition, rebuilt from the grant alone. */
function rebuildRecord(grant: Grant): OperationRecord {
  if (grant.seq === 1) return grant.state === 'reserved' ? reservedRecord(grant, REPAIR) : grantedAtOnceRecord(grant, REPAIR);
  const held = grant.restoredAt !== null ? 'restored' : 'granted';
  const [event, from] = (
    {
      granted: ['commit', 'reserved'],
      released: ['release', 'reserved'],
      used: ['use', grant.restoredAt !== null && grant.usedAt !== null && grant.usedAt >= grant.restoredAt ? 'restored' : 'granted'],
      expired: ['expire', held],
      recovered: ['recover', held],
      restored: ['restore', 'used'],
      reserved: ['commit', 'reserved'],
    } as const
  )[grant.state];
  return transitionRecord({ ...grant, state: from }, grant, { type: event }, REPAIR, 'rebuilt after an interrupted step');
}

function subjectKey(subject: GrantSubject): string {
  return `${subject.type}:${subject.id}@${subject.version ?? 'current'}`;
}

/** Earlier bundles of the same subject, for the per-customer cap. */
function priorBundles(grants: readonly Grant[], subject: GrantSubject): PriorBundle[] {
  const bundles = new Map<string, PriorBundle>();
  for (const g of grants) {
    const same = subject.type === 'package' ? g.packageId === subject.id : g.packageId === null && g.rightId === subject.id;
    if (!same) continue;
    const counts = g.state !== 'released' && g.state !== 'recovered';
    const seen = bundles.get(g.bundleId);
    bundles.set(g.bundleId, { planId: g.planId, at: g.reservedAt, counts: (seen?.counts ?? false) || counts });
  }
  return [...bundles.values()];
}

