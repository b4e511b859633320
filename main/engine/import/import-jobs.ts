import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOMER_COLUMNS, EVENT_COLUMNS, guessMapping } from '../../core/customers/columns.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import { importFile, resolveMapping, type ImportKind, type ImportProgress, type ImportResult } from './import-file.ts';
import { detectEncoding, readCsv, readHeaders } from './read-csv.ts';
import { rxdbImportSink } from './rxdb-sink.ts';

/** Largest file the UI may upload (the CLI has no limit). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export interface FilePreview {
  uploadId: string;
  encoding: 'utf8' | 'gbk';
  headers: string[];
  rows: Record<string, string>[];
  guessed: { customers: Record<string, string>; events: Record<string, string> };
  fields: { customers: string[]; events: string[] };
}

export type ImportJobState = { id: string; kind: ImportKind; status: 'running' | 'done' | 'failed'; progress: ImportProgress; result?: ImportResult; error?: { code: string; message: string } };

/**
 * Imports started from the UI: the file arrives in chunks (any transport can carry them),
 * is previewed for column mapping, then imported in the background while the UI watches.
 */
export class ImportJobs {
  private readonly dir: string;
  private readonly jobs = new Map<string, ImportJobState>();
  private readonly listeners = new Set<(job: ImportJobState) => void>();

  constructor(
    dataDir: string,
    private readonly data: AudienceData,
    private readonly zone: string,
    private readonly now: () => number,
  ) {
    this.dir = join(dataDir, 'imports');
  }

  private uploadPath(uploadId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new CampaignError('SYS_NOT_FOUND', { what: 'upload' satisfies NotFoundWhat, id: uploadId });
    return join(this.dir, `${uploadId}.csv`);
  }

  beginUpload(): string {
    mkdirSync(this.dir, { recursive: true });
    const id = randomUUID();
    writeFileSync(this.uploadPath(id), '');
    return id;
  }

  appendUpload(uploadId: string, base64: string): number {
    const path = this.uploadPath(uploadId);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new CampaignError('SYS_NOT_FOUND', { what: 'upload' satisfies NotFoundWhat, id: uploadId });
    }
    const chunk = Buffer.from(base64, 'base64');
    if (size + chunk.length > MAX_UPLOAD_BYTES) throw new CampaignError('IM_FILE', { path: uploadId, reason: `larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB: use campaign-desk import` });
    appendFileSync(path, chunk);
    return size + chunk.length;
  }

  async preview(uploadId: string, limit = 5): Promise<FilePreview> {
    const path = this.uploadPath(uploadId);
    const encoding = await detectEncoding(path).catch((error: Error) => {
      throw new CampaignError('IM_FILE', { path: uploadId, reason: error.message });
    });
    const rows: Record<string, string>[] = [];
    for await (const row of readCsv(path, encoding)) {
      rows.push(row.record);
      if (rows.length >= limit) break;
    }
    const headers = rows[0] ? Object.keys(rows[0]) : [];
    return {
      uploadId,
      encoding,
      headers,
      rows,
      guessed: { customers: guessMapping(headers, CUSTOMER_COLUMNS) as Record<string, string>, events: guessMapping(headers, EVENT_COLUMNS) as Record<string, string> },
      fields: { customers: Object.keys(CUSTOMER_COLUMNS), events: Object.keys(EVENT_COLUMNS) },
    };
  }

  /** Starts the import in the background; follow it with `watch`. Mapping errors throw here. */
  async start(uploadId: string, kind: ImportKind, mapping: Record<string, string>, defaultStoreId: string): Promise<ImportJobState> {
    const path = this.uploadPath(uploadId);
    // Mapping problems are reported to the caller before anything runs.
    resolveMapping(kind, await readHeaders(path), mapping);
    const id = randomUUID();
    const job: ImportJobState = { id, kind, status: 'running', progress: { rows: 0, imported: 0, failed: 0, bytesRead: 0, bytesTotal: 0 } };
    this.jobs.set(id, job);
    const run = importFile({
      kind,
      path,
      sink: rxdbImportSink(this.data),
      errorPath: join(this.dir, `${uploadId}.errors.csv`),
      mapping,
      zone: this.zone,
      defaultStoreId,
      now: new Date(this.now()).toISOString(),
      onProgress: (progress) => this.update(id, { progress }),
    });
    run.then(
      (result) => this.update(id, { status: 'done', result, progress: result }),
      (error: unknown) => this.update(id, { status: 'failed', error: error instanceof CampaignError ? { code: error.code, message: error.message } : { code: 'SYS_INTERNAL', message: 'import failed' } }),
    );
    return this.get(id);
  }

  get(id: string): ImportJobState {
    const job = this.jobs.get(id);
    if (!job) throw new CampaignError('SYS_NOT_FOUND', { what: 'import' satisfies NotFoundWhat, id });
    return { ...job };
  }

  errorFile(uploadId: string): string {
    try {
      return readFileSync(join(this.dir, `${uploadId}.errors.csv`), 'utf8');
    } catch {
      throw new CampaignError('SYS_NOT_FOUND', { what: 'error-file' satisfies NotFoundWhat, id: uploadId });
    }
  }

  private update(id: string, changes: Partial<ImportJobState>): void {
    const job = this.jobs.get(id);
    if (!job) return;
    Object.assign(job, changes);
    for (const listener of this.listeners) listener({ ...job });
  }

  /** The job now, then after every change, until it ends or `signal` aborts. */
  async *watch(id: string, signal: AbortSignal): AsyncGenerator<ImportJobState> {
    let current = this.get(id);
    yield current;
    const queue: ImportJobState[] = [];
    let wake: (() => void) | undefined;
    const listener = (job: ImportJobState) => {
      if (job.id !== id) return;
      queue.push(job);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (current.status === 'running' && !signal.aborted) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const next = queue.splice(0).at(-1);
        if (next) {
          current = next;
          yield current;
        }
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
