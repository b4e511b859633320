import { z } from 'zod';
import type { FilePreview, ImportJobState } from '../engine/import/import-jobs.ts';
import { defineMutation, defineQuery, defineSubscription } from './define.ts';

const uploadId = z.string().uuid();

export const importMethods = [
  /** Starts an upload; the file then arrives in base64 chunks (any transport can carry them). */
  defineMutation('imports/begin-upload', z.object({}).optional(), (_input, ctx) => ({ uploadId: ctx.services.imports.beginUpload() })),
  defineMutation('imports/append-upload', z.object({ uploadId, chunk: z.string().max(8 * 1024 * 1024) }), ({ uploadId: id, chunk }, ctx) => ({
    bytes: ctx.services.imports.appendUpload(id, chunk),
  })),
  /** Headers, encoding, first rows and guessed column mapping, for the mapping step. */
  defineQuery('imports/preview-file', z.object({ uploadId }), ({ uploadId: id }, ctx): Promise<FilePreview> => ctx.services.imports.preview(id)),
  defineMutation(
    'imports/start-import',
    z.object({ uploadId, kind: z.enum(['customers', 'events']), mapping: z.record(z.string(), z.string()), defaultStoreId: z.string().min(1).max(64).default('S01') }),
    (input, ctx): Promise<ImportJobState> => ctx.services.imports.start(input.uploadId, input.kind, input.mapping, input.defaultStoreId),
  ),
  /** Progress of an import until it ends. */
  defineSubscription('imports/watch-import', z.object({ id: z.string().uuid() }), ({ id }, ctx, signal) => ctx.services.imports.watch(id, signal)),
  /** The refused rows as CSV text (line, column and reason added), to download and fix. */
  defineQuery('imports/get-error-file', z.object({ uploadId }), ({ uploadId: id }, ctx) => ({ csv: ctx.services.imports.errorFile(id) })),
] as const;
