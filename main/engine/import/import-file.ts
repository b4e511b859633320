import { stat } from 'node:fs/promises';
import { CUSTOMER_COLUMNS, EVENT_COLUMNS, guessMapping, type CustomerColumn, type EventColumn } from '../../core/customers/columns.ts';
import type { Customer, CustomerEvent } from '../../core/customers/customer.ts';
import { rowToCustomer, rowToEvent, type RowIssue, type RowResult } from '../../core/customers/map-row.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { ErrorFile } from './error-file.ts';
import { readCsv, readHeaders, type CsvEncoding } from './read-csv.ts';

export type ImportKind = 'customers' | 'events';

/** Where valid rows go. Upserts must be idempotent: importing the same rows again changes nothing. */
export interface ImportSink {
  upsertCustomers(customers: Customer[]): Promise<void>;
  /** Inserts new events; returns per-event issues (e.g. an unknown customer) by index. */
  insertEvents(events: CustomerEvent[]): Promise<Map<number, RowIssue>>;
}

export interface ImportProgress {
  rows: number;
  imported: number;
  failed: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ImportOptions {
  kind: ImportKind;
  path: string;
  sink: ImportSink;
  /** Where refused rows are written (only created when there are some). */
  errorPath: string;
  /** field → header; guessed from the headers when left out. */
  mapping?: Partial<Record<CustomerColumn | EventColumn, string>>;
  encoding?: CsvEncoding;
  zone: string;
  defaultStoreId: string;
  /** ISO instant: registration time for customers without one. */
  now: string;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportResult extends ImportProgress {
  kind: ImportKind;
  errorFile?: string;
  mapping: Record<string, string>;
  cancelled: boolean;
}

const REQUIRED: Record<ImportKind, string[]> = { customers: ['externalId'], events: ['customerId', 'type', 'at'] };

/**
 * The field → column mapping to use: the given one (checked against the file's columns) or
 * one guessed from the headers. Throws IM_MAPPING before anything is written.
 */
export function resolveMapping(kind: ImportKind, headers: readonly string[], given?: Partial<Record<string, string>>): Record<string, string> {
  const table: Record<string, readonly string[]> = kind === 'customers' ? CUSTOMER_COLUMNS : EVENT_COLUMNS;
  const mapping = (given ?? guessMapping(headers, table)) as Record<string, string>;
  for (const [field, header] of Object.entries(mapping)) {
    if (!(field in table)) throw new CampaignError('IM_MAPPING', { field, reason: `unknown field; known: ${Object.keys(table).join(', ')}` });
    if (!headers.includes(header)) throw new CampaignError('IM_MAPPING', { field, reason: `the file has no column "${header}"` });
  }
  const missing = REQUIRED[kind].filter((f) => !mapping[f]);
  if (missing.length > 0) throw new CampaignError('IM_MAPPING', { field: missing.join(', '), reason: `no column for this required field (file columns: ${headers.join(', ')})` });
  return mapping;
}

/**
 * Imports a customers or events CSV in batches. Bad rows never stop the import: each goes to
 * the error file with its line, column and reason. Because every write is an upsert by a
 * stable id, an interrupted import can simply be run again.
 */
export async function importFile(options: ImportOptions): Promise<ImportResult> {
  const { size } = await stat(options.path).catch((error: Error) => {
    throw new CampaignError('IM_FILE', { path: options.path, reason: error.message });
  });
  const headers = await readHeaders(options.path, options.encoding);
  const mapping = resolveMapping(options.kind, headers, options.mapping);

  const errors = new ErrorFile(options.errorPath);
  const progress: ImportProgress = { rows: 0, imported: 0, failed: 0, bytesRead: 0, bytesTotal: size };
  const batchSize = options.batchSize ?? 1000;
  const rowOptions = { zone: options.zone, defaultStoreId: options.defaultStoreId, importedAt: options.now };
  let batch: { row: number; record: Record<string, string>; value: Customer | CustomerEvent }[] = [];
  let bytesEstimate = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    if (options.kind === 'customers') {
      await options.sink.upsertCustomers(current.map((b) => b.value as Customer));
      progress.imported += current.length;
    } else {
      const refused = await options.sink.insertEvents(current.map((b) => b.value as CustomerEvent));
      for (const [i, issue] of refused) {
        const item = current[i];
        if (item) await errors.add(item.row, item.record, [issue]);
      }
      progress.failed += refused.size;
      progress.imported += current.length - refused.size;
    }
    progress.bytesRead = Math.min(size, bytesEstimate);
    options.onProgress?.({ ...progress });
  };

  let cancelled: boolean;
  try {
    for await (const { row, record } of readCsv(options.path, options.encoding, options.signal)) {
      progress.rows++;
      bytesEstimate += Object.values(record).reduce((n, v) => n + Buffer.byteLength(v) + 1, 1);
      const result: RowResult<Customer | CustomerEvent> =
        options.kind === 'customers' ? rowToCustomer(record, mapping, rowOptions) : rowToEvent(record, mapping, rowOptions);
      if (result.ok) batch.push({ row, record, value: result.value });
      else {
        progress.failed++;
        await errors.add(row, record, result.issues);
      }
      if (batch.length >= batchSize) await flush();
    }
    cancelled = options.signal?.aborted ?? false;
    if (!cancelled) await flush();
  } finally {
    await errors.close();
  }
  progress.bytesRead = cancelled ? progress.bytesRead : size;
  options.onProgress?.({ ...progress });
  return { ...progress, kind: options.kind, mapping, cancelled, ...(errors.count > 0 ? { errorFile: errors.path } : {}) };
}
