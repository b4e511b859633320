import type { Clock } from '../../core/clock.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { RandomBytes } from '../../core/rights/coupon-code.ts';
import { cryptoRandomBytes } from './ids.ts';
import { RecordsQuery } from './records-query.ts';
import { RightsCatalog } from './rights-catalog.ts';
import type { RightsCollections } from './rights-collections.ts';
import { RightsInventory, type StockCorrection } from './rights-inventory.ts';
import { RightsLedger } from './rights-ledger.ts';
import { SerialQueue } from './serial-queue.ts';
import { FileStepJournal } from './step-journal.ts';

export interface RightsServiceOptions {
  collections: RightsCollections;
  clock: Clock;
  /** The store's IANA time zone (default: this machine's). */
  zone?: () => string;
  randomBytes?: RandomBytes;
  /** Where the "step in progress" flag lives, e.g. `<data dir>/rights-step.flag`; none in memory-only tests. */
  journalFile?: string;
  onChange?: (collections: string[]) => void;
}

/** What `open` had to repair after an interrupted run. */
export interface RepairReport {
  interrupted: boolean;
  stockCorrections: StockCorrection[];
  recordsWritten: number;
}

const protectedCollections = new WeakSet<object>();

/** Operation records are written once: RxDB refuses to save a changed one or remove one. */
function protectRecords(records: RightsCollections['operationRecords']): void {
  if (protectedCollections.has(records)) return;
  protectedCollections.add(records);
  const refuse = (data: { id: string }) => {
    throw new CampaignError('RT_RECORD_IMMUTABLE', { id: data.id });
  };
  records.preSave(refuse, false);
  records.preRemove(refuse, false);
}

export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * The rights platform of one database: catalog, inventory, ledger and records, sharing one
 * write queue. Open it with `RightsService.open`, which repairs what an interrupted run left.
 */
export class RightsService {
  readonly catalog: RightsCatalog;
  readonly inventory: RightsInventory;
  readonly ledger: RightsLedger;
  readonly records: RecordsQuery;
  readonly zone: () => string;
  private readonly queue = new SerialQueue();
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(options: RightsServiceOptions, journal: FileStepJournal | undefined) {
    const now = () => options.clock.now();
    this.zone = options.zone ?? machineZone;
    this.catalog = new RightsCatalog(options.collections, this.queue, now);
    this.inventory = new RightsInventory(options.collections, this.catalog, this.queue, now);
    this.ledger = new RightsLedger({
      collections: options.collections,
      catalog: this.catalog,
      queue: this.queue,
      clock: options.clock,
      zone: this.zone,
      randomBytes: options.randomBytes ?? cryptoRandomBytes,
      onChange: options.onChange,
      journal,
    });
    this.records = new RecordsQuery(options.collections);
  }

  static async open(options: RightsServiceOptions): Promise<{ service: RightsService; repair: RepairReport }> {
    const journal = options.journalFile ? new FileStepJournal(options.journalFile) : undefined;
    protectRecords(options.collections.operationRecords);
    const service = new RightsService(options, journal);
    const repair: RepairReport = { interrupted: journal?.wasInterrupted() ?? false, stockCorrections: [], recordsWritten: 0 };
    if (repair.interrupted) {
      repair.recordsWritten = await service.ledger.repairRecords();
      repair.stockCorrections = await service.inventory.reconcile();
      journal?.end();
    }
    return { service, repair };
  }

  /**
   * Runs the expiry sweep now and then every `intervalMs` (grants are also checked when
   * used, so the sweep only keeps states and lists current). Returns the stop function.
   */
  startExpirySweep(intervalMs: number, onError: (error: unknown) => void): () => void {
    const run = () => void this.ledger.expireDue().catch(onError);
    run();
    this.sweepTimer = setInterval(run, intervalMs);
    this.sweepTimer.unref?.();
    return () => this.stopExpirySweep();
  }

  private stopExpirySweep(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Stops the sweep and waits for queued writes; call before closing the database. */
  async close(): Promise<void> {
    this.stopExpirySweep();
    await this.queue.drain();
  }
}
