import { mkdir, open, readdir, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Clock } from '../../core/clock.ts';
import { formatInstant, formatLocalDate, localDayOf } from '../../core/time/instant.ts';
import {
  addressFieldOf,
  channelIdSchema,
  parseChannelSettings,
  requireAddress,
  type MessageChannel,
  type OutgoingMessage,
  type SendOutcome,
  type SendResult,
} from './channel.ts';

/**
 * Writes messages to a CSV file per day (`outbox-YYYY-MM-DD.csv`) for a person to send by hand
 * (shops without a gateway, or a channel like WeChat where staff message customers
 * themselves). Idempotent by message id across restarts: a retry after a crash never lists a
 * message twice. Every batch is appended and fsynced before its sends resolve, so a message
 * reported as sent is on disk.
 */

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const outboxConfigSchema = z.strictObject({
  kind: z.literal('outbox'),
  id: channelIdSchema,
  /** Where the files go; relative to the data directory. */
  dir: z.string().min(1).default('outbox'),
  /** The zone whose dates name the files and fill `created`; the machine's by default. */
  timeZone: z.string().refine(validTimeZone, 'not a known IANA time zone (e.g. Asia/Shanghai)').optional(),
  /** How many days of files are read at start to skip ids already written. */
  dedupeDays: z.number().int().min(1).max(366).default(31),
});
export type OutboxConfig = z.output<typeof outboxConfigSchema>;
export type OutboxConfigInput = z.input<typeof outboxConfigSchema>;

export const OUTBOX_COLUMNS = ['id', 'created', 'channel', 'customer', 'name', 'phone', 'email', 'subject', 'body'] as const;
const BOM = '\uFEFF';
const HEADER = `${OUTBOX_COLUMNS.join(',')}\r\n`;
const FILE_RE = /^outbox-(\d{4}-\d{2}-\d{2})\.csv$/;
/** Messages per write: bounds memory and the size of one append. */
const MAX_BATCH = 1000;

/** Spreadsheets run a cell starting with = + - @ (tab, CR) as a formula: a leading ' stops that. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The id cell: escaped like `safeCell`, and also when it starts with ', so reading it back is exact. */
function idCell(id: string): string {
  return /^[=+\-@\t\r']/.test(id) ? `'${id}` : id;
}

function idFromCell(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/**
 * The length of the longest prefix of `data` made of whole CSV records: up to the last line
 * break outside quotes. A crash during an append leaves a prefix of what was written, and a
 * line break outside quotes in a prefix is one in the full text too, so what follows the
 * last one is the cut-short record (or garbage such as zeros a crash can leave).
 */
export function completeRecordsLength(data: Uint8Array): number {
  let inQuotes = false;
  let end = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x22) inQuotes = !inQuotes;
    else if (byte === 0x0a && !inQuotes) end = i + 1;
  }
  return end;
}

interface Pending {
  message: OutgoingMessage;
  resolve: (outcome: SendOutcome) => void;
}

export class OutboxChannel implements MessageChannel {
  readonly kind = 'outbox';
  readonly id: string;
  readonly downstream: string;
  readonly dir: string;
  /** A run's sends wait for the same append (and its fsync): one per batch, not one per few sends. */
  readonly batchSends = MAX_BATCH;
  private readonly config: OutboxConfig;
  private readonly zone: string;
  private readonly clock: Clock;
  /** Message id → the file it is in (ids from the last `dedupeDays` days of files). */
  private readonly written = new Map<string, string>();
  private opening: Promise<void> | undefined;
  private file: { name: string; handle: FileHandle } | undefined;
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    config: OutboxConfigInput,
    deps: { dataDir: string; clock?: Clock; timeZone?: string },
  ) {
    this.config = parseChannelSettings(outboxConfigSchema, config);
    this.id = this.config.id;
    this.downstream = `channel:${this.id}`;
    this.dir = isAbsolute(this.config.dir) ? this.config.dir : resolve(deps.dataDir, this.config.dir);
    this.zone = this.config.timeZone ?? deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.clock = deps.clock ?? { now: () => Date.now() };
  }

  /**
   * Creates the directory, repairs files cut short by a crash and reads the ids already
   * written. Runs by itself on the first send; call it to surface problems (a directory that
   * cannot be written, a damaged file) when the channel is set up.
   */
  open(): Promise<void> {
    this.opening ??= this.load().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  async send(message: OutgoingMessage, signal?: AbortSignal): Promise<SendResult> {
    const [outcome] = await this.sendMany([message], signal);
    if (!outcome) throw new CampaignError('SYS_INTERNAL');
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /** Queues the messages and resolves once they are on disk, together with other sends of the moment. */
  sendMany(messages: readonly OutgoingMessage[], signal?: AbortSignal): Promise<SendOutcome[]> {
    return Promise.all(
      messages.map(
        (message) =>
          new Promise<SendOutcome>((resolveOutcome) => {
            const where = { channel: this.id, messageId: message.id, target: this.dir };
            if (this.closed) return resolveOutcome({ ok: false, error: new CampaignError('CH_CLOSED', where) });
            if (signal?.aborted) return resolveOutcome({ ok: false, error: new CampaignError('CH_CANCELLED', where) });
            const field = addressFieldOf(message.channel);
            try {
              if (field) requireAddress(message, this.id, field);
            } catch (error) {
              return resolveOutcome({ ok: false, error: error as CampaignError });
            }
            this.pending.push({ message, resolve: resolveOutcome });
            this.schedule();
          }),
      ),
    );
  }

  /** Waits for queued messages to be written, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    const file = this.file;
    this.file = undefined;
    await file?.handle.close();
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.pending.length > 0) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    // Sends made in the same tick as the first one join its batch.
    await this.open().catch((error: unknown) => this.failAll(this.pending.splice(0), error, this.dir));
    while (this.pending.length > 0 && this.opening) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        this.settle(batch, await this.write(batch.map((p) => p.message)));
      } catch (error) {
        // The append may have left part of a record: close, so the next write repairs first.
        const file = this.file;
        this.file = undefined;
        await file?.handle.close().catch(() => undefined);
        this.failAll(batch, error, file ? join(this.dir, file.name) : this.dir);
      }
    }
  }

  private settle(batch: Pending[], files: string[]): void {
    batch.forEach((p, i) => p.resolve({ ok: true, result: { providerMessageId: files[i] ?? '' } }));
  }

  /** Fails a batch: I/O errors become CH_OUTBOX (retryable: a full disk or a file locked by Excel passes). */
  private failAll(batch: Pending[], error: unknown, path: string): void {
    const reason = error instanceof Error ? error.message : String(error);
    const campaignError = error instanceof CampaignError ? error : new CampaignError('CH_OUTBOX', { channel: this.id, path, reason }, { cause: error });
    for (const p of batch) p.resolve({ ok: false, error: campaignError });
  }

  /** Appends the messages not written before and fsyncs; returns the file each message is in. */
  private async write(messages: OutgoingMessage[]): Promise<string[]> {
    const now = this.clock.now();
    const name = `outbox-${formatLocalDate(localDayOf(now, this.zone))}.csv`;
    if (this.file?.name !== name) await this.switchTo(name, now);
    const file = this.file as { name: string; handle: FileHandle };
    const created = formatInstant(now, this.zone);
    const rows: string[][] = [];
    const fresh = new Set<string>();
    const files = messages.map((m) => {
      const earlier = this.written.get(m.id);
      if (earlier !== undefined) return earlier;
      if (!fresh.has(m.id)) {
        fresh.add(m.id);
        rows.push([
          idCell(m.id),
          created,
          safeCell(m.channel),
          safeCell(m.customerId),
          safeCell(m.to.name),
          safeCell(m.to.phone ?? ''),
          safeCell(m.to.email ?? ''),
          safeCell(m.subject),
          safeCell(m.body),
        ]);
      }
      return file.name;
    });
    if (rows.length > 0) {
      await file.handle.write(stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ }));
      await file.handle.sync();
      for (const id of fresh) this.written.set(id, file.name);
    }
    return files;
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const today = localDayOf(this.clock.now(), this.zone);
    const oldest = formatLocalDate(today - this.config.dedupeDays);
    const names = (await readdir(this.dir)).filter((n) => FILE_RE.test(n) && (FILE_RE.exec(n)?.[1] ?? '') >= oldest).sort();
    for (const name of names) await this.repairAndRead(name);
  }

  /** Opens `name` for appending (repairing it first), and forgets ids of files past the window. */
  private async switchTo(name: string, now: number): Promise<void> {
    const old = this.file;
    this.file = undefined;
    await old?.handle.close();
    const size = await this.repairAndRead(name);
    const handle = await open(join(this.dir, name), 'a');
    this.file = { name, handle };
    if (size === 0) {
      await handle.write(BOM + HEADER);
      await handle.sync();
      await this.syncDir();
    }
    const oldest = `outbox-${formatLocalDate(localDayOf(now, this.zone) - this.config.dedupeDays)}.csv`;
    for (const [id, file] of this.written) if (file < oldest) this.written.delete(id);
  }

  /**
   * Cuts a record left half-written by a crash, checks the header and reads the ids.
   * Returns the file's size after repair (0 when missing or emptied, so it needs its header).
   */
  private async repairAndRead(name: string): Promise<number> {
    const path = join(this.dir, name);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return 0;
      throw error;
    }
    const start = Buffer.from(BOM + HEADER);
    if (data.length < start.length && start.subarray(0, data.length).equals(data)) {
      // A crash while the file was being created: start it again.
      if (data.length > 0) await truncate(path, 0);
      return 0;
    }
    if (!data.subarray(0, start.length).equals(start)) {
      // Not our file, or saved by another program in another form: never overwrite it.
      throw new CampaignError('CH_OUTBOX_CORRUPT', { channel: this.id, path, line: 1, reason: `the file does not start with the header ${HEADER.trim()} (UTF-8 with BOM)` });
    }
    const complete = completeRecordsLength(data);
    if (complete < data.length) await truncate(path, complete);
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = parse(data.subarray(0, complete), { bom: true, from_line: 2, info: true }) as unknown as typeof records;
    } catch (error) {
      const line = (error as { lines?: unknown }).lines;
      const reason = error instanceof Error ? error.message : String(error);
      throw new CampaignError('CH_OUTBOX_CORRUPT', { channel: this.id, path, line: typeof line === 'number' ? line : 0, reason }, { cause: error });
    }
    for (const { record, info } of records) {
      if (record.length !== OUTBOX_COLUMNS.length) {
        const reason = `${record.length} columns instead of ${OUTBOX_COLUMNS.length}`;
        throw new CampaignError('CH_OUTBOX_CORRUPT', { channel: this.id, path, line: info.lines, reason });
      }
      this.written.set(idFromCell(record[0] ?? ''), name);
    }
    return complete;
  }

  /** Makes a new file's directory entry durable too (not possible on Windows: skipped). */
  private async syncDir(): Promise<void> {
    try {
      const dir = await open(this.dir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // Directories cannot be opened for syncing on every platform.
    }
  }
}
