import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Header, Parser, Pax, type ReadEntry } from 'tar';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { canonicalEntryPath, collisionKey, unsafePathReason } from './package-path.ts';

/**
 * `.cdplugin` archives: a gzip'd tar of the package's files (regular files only, paths relative
 * to the package root). Reading is done in memory and checks every entry before returning
 * anything, so a refused archive never has any of its content written anywhere.
 */

export interface PackageLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxFileBytes: number;
}

const MB = 1024 * 1024;

/** What the app accepts: 2,000 entries, 50 MB unpacked, 20 MB per file. */
export const PACKAGE_LIMITS: PackageLimits = { maxEntries: 2000, maxTotalBytes: 50 * MB, maxFileBytes: 20 * MB };

/** A size for messages: "20 MB", "2,000 entries". */
export const formatBytes = (bytes: number) => (bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes.toLocaleString('en')} bytes`);
const formatEntries = (count: number) => `${count.toLocaleString('en')} entries`;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
// Entries that could make an extraction write or read outside the package folder.
const LINK_TYPES = new Set(['Link', 'SymbolicLink', 'CharacterDevice', 'BlockDevice', 'FIFO']);
// Tar headers and padding on top of the content: a header per entry (two with a pax header),
// padding up to a block, the end-of-archive blocks and a record's padding.
const tarOverhead = (limits: PackageLimits) => (limits.maxEntries + 1) * 3 * 512 + 20 * 512;

const invalid = (file: string, reason: string) => new CampaignError('PL_ARCHIVE_INVALID', { file, reason });

/** The gzip layer, decompressed with a hard cap so a small archive cannot unpack to gigabytes. */
function gunzip(data: Buffer, file: string, limits: PackageLimits): Buffer {
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) throw invalid(file, 'not gzip-compressed');
  let tarData: Buffer;
  try {
    tarData = gunzipSync(data, { maxOutputLength: limits.maxTotalBytes + tarOverhead(limits) });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CampaignError('PL_TOO_LARGE', { file, limit: `${formatBytes(limits.maxTotalBytes)} unpacked` });
    }
    throw invalid(file, `gzip: ${(error as Error).message}`);
  }
  // tar's parser would decompress a second layer by itself, past the cap above.
  if (tarData.length >= 2 && tarData[0] === 0x1f && tarData[1] === 0x8b) throw invalid(file, 'compressed twice');
  return tarData;
}

/**
 * The files of a `.cdplugin` archive held in `data`, keyed by canonical POSIX path. Refuses
 * (with nothing written) absolute paths, `..`, backslashes and drive letters, links and devices
 * (PL_PATH_TRAVERSAL), too many or too large entries (PL_TOO_LARGE), duplicate or colliding
 * paths and anything that is not a gzip'd tar (PL_ARCHIVE_INVALID). `file` names the archive in
 * messages.
 */
export async function readArchive(data: Buffer, file: string, limits: PackageLimits = PACKAGE_LIMITS): Promise<Map<string, Buffer>> {
  const tarData = gunzip(data, file, limits);
  const files = new Map<string, Buffer>();
  const taken = new Map<string, string>(); // collision key → path, for files and directories
  const dirs = new Set<string>();
  let entries = 0;
  let total = 0;

  // The first refusal wins: it is kept here and the parser is stopped.
  let refusal: CampaignError | undefined;
  const parser = new Parser({ strict: true, brotli: false, zstd: false });

  const claim = (path: string, entry: string) => {
    const key = collisionKey(path);
    const other = taken.get(key);
    if (other !== undefined) throw invalid(file, other === path ? `"${entry}" appears twice` : `"${entry}" and "${other}" are the same file on Windows and macOS`);
    taken.set(key, path);
  };

  const check = (entry: ReadEntry): string | null => {
    entries += 1;
    if (entries > limits.maxEntries) throw new CampaignError('PL_TOO_LARGE', { file, limit: formatEntries(limits.maxEntries) });
    if (LINK_TYPES.has(entry.type)) throw new CampaignError('PL_PATH_TRAVERSAL', { entry: entry.path, reason: `${entry.type} entry` });
    const path = canonicalEntryPath(entry.path);
    if (entry.type === 'Directory' && path === '') return null;
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new CampaignError('PL_PATH_TRAVERSAL', { entry: entry.path, reason: unsafe });
    if (entry.type === 'Directory') {
      claim(path, entry.path);
      dirs.add(path);
      return null;
    }
    if (!FILE_TYPES.has(entry.type)) throw invalid(file, `"${entry.path}" is a ${entry.type} entry; only files are allowed`);
    if (entry.size > limits.maxFileBytes) throw new CampaignError('PL_TOO_LARGE', { file: entry.path, limit: formatBytes(limits.maxFileBytes) });
    total += entry.size;
    if (total > limits.maxTotalBytes) throw new CampaignError('PL_TOO_LARGE', { file, limit: `${formatBytes(limits.maxTotalBytes)} unpacked` });
    claim(path, entry.path);
    return path;
  };

  const refuse = (error: unknown) => {
    refusal ??= error instanceof CampaignError ? error : invalid(file, (error as Error).message);
    parser.abort(new Error('refused'));
  };

  parser.on('entry', (entry: ReadEntry) => {
    if (refusal) return entry.resume();
    let path: string | null;
    try {
      path = check(entry);
    } catch (error) {
      refuse(error);
      return entry.resume();
    }
    if (path === null) return entry.resume();
    const chunks: Buffer[] = [];
    let bytes = 0;
    entry.on('data', (chunk: Buffer) => {
      // The header's size was checked; this holds even if the parser ever read past it.
      bytes += chunk.length;
      if (bytes > limits.maxFileBytes) refuse(new CampaignError('PL_TOO_LARGE', { file: entry.path, limit: formatBytes(limits.maxFileBytes) }));
      else chunks.push(chunk);
    });
    entry.on('end', () => files.set(path, Buffer.concat(chunks)));
  });
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    if (!refusal) refuse(invalid(file, `"${entry.path}" is an unsupported ${entry.header.type} entry`));
  });

  await new Promise<void>((resolve, reject) => {
    parser.on('error', (error: Error) => reject(refusal ?? invalid(file, `tar: ${error.message.replace(/^TAR_\w+: /, '')}`)));
    parser.on('end', () => (refusal ? reject(refusal) : resolve()));
    parser.end(tarData);
  });

  // A file where the archive also has a folder of that name (`a` and `a/b`) cannot be unpacked.
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = taken.get(collisionKey(parts.slice(0, i).join('/')));
      if (parent !== undefined && !dirs.has(parent)) throw invalid(file, `"${parent}" is both a file and a folder`);
    }
  }
  return files;
}

// Fixed metadata, so packing the same files twice gives the same bytes.
const MTIME = new Date('2000-01-01T00:00:00Z');

function tarHeader(path: string, size: number): Buffer[] {
  const header = new Header({ path, mode: 0o644, uid: 0, gid: 0, size, mtime: MTIME, type: 'File', uname: '', gname: '' });
  const block = Buffer.alloc(512);
  header.encode(block, 0);
  // ustar holds paths up to 255 bytes (in two parts); longer ones need a pax header first.
  return header.needPax ? [new Pax({ path, size, mtime: MTIME }).encode(), block] : [block];
}

/** `files` as the bytes of a `.cdplugin` archive, in path order. */
export function encodeArchive(files: ReadonlyMap<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const path of [...files.keys()].sort()) {
    const content = files.get(path) as Buffer;
    const unsafe = unsafePathReason(path);
    if (unsafe) throw new CampaignError('PL_PATH_TRAVERSAL', { entry: path, reason: unsafe });
    parts.push(...tarHeader(path, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

/** Writes `files` as a `.cdplugin` archive to `outFile`, replacing it at once (never half-written). */
export async function writeArchive(files: ReadonlyMap<string, Buffer>, outFile: string): Promise<void> {
  const data = encodeArchive(files);
  const temp = join(dirname(outFile), `.${basename(outFile)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, outFile);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
