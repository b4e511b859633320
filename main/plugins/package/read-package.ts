import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { formatBytes, PACKAGE_LIMITS, readArchive, type PackageLimits } from './archive.ts';
import { parseManifest } from './manifest.ts';
import { unsafePathReason } from './package-path.ts';
import { MANIFEST_FILE, SIGNATURE_FILE, type PackageSignature, type PluginPackage } from './plugin-package.ts';
import { packageSignatureSchema } from './signature.ts';

/**
 * Reading a plugin package from a folder or a `.cdplugin` archive into a checked
 * {@link PluginPackage}. Nothing is written: an archive is read in memory.
 *
 * A folder's package is every file in it except `node_modules/`, dot-files and dot-folders
 * (`.git/`, `.DS_Store`…), `*.cdplugin` (the output of `plugin pack`) and `*.key.pem` (a signing
 * key must never ship). Sources (`src/`) and tests (`test/`) are part of the package, so what is
 * signed is what was built.
 */

export type { PackageSignature, PluginPackage } from './plugin-package.ts';

export type PackageSource = string | { fileName: string; data: Buffer };

const readFailed = (path: string, error: unknown) => new CampaignError('IM_FILE', { path, reason: (error as Error).message });

function skipped(name: string, isDir: boolean): boolean {
  if (name.startsWith('.')) return true;
  if (isDir) return name === 'node_modules';
  return name.endsWith('.cdplugin') || name.endsWith('.key.pem');
}

/** A folder's package files (see above), within `limits`; links and special files are refused. */
export function readFolderFiles(dir: string, limits: PackageLimits = PACKAGE_LIMITS): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let total = 0;
  const walk = (absolute: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(absolute).sort();
    } catch (error) {
      throw readFailed(absolute, error);
    }
    for (const name of names) {
      const path = prefix + name;
      const full = join(absolute, name);
      const stat = lstatSync(full);
      if (skipped(name, stat.isDirectory())) continue;
      if (stat.isSymbolicLink() || !(stat.isFile() || stat.isDirectory())) {
        throw new CampaignError('PL_PATH_TRAVERSAL', { entry: path, reason: stat.isSymbolicLink() ? 'symbolic link' : 'not a regular file' });
      }
      const unsafe = unsafePathReason(path);
      if (unsafe) throw new CampaignError('PL_PATH_TRAVERSAL', { entry: path, reason: unsafe });
      if (stat.isDirectory()) {
        walk(full, `${path}/`);
        continue;
      }
      if (files.size + 1 > limits.maxEntries) throw new CampaignError('PL_TOO_LARGE', { file: dir, limit: `${limits.maxEntries.toLocaleString('en')} files` });
      if (stat.size > limits.maxFileBytes) throw new CampaignError('PL_TOO_LARGE', { file: path, limit: formatBytes(limits.maxFileBytes) });
      total += stat.size;
      if (total > limits.maxTotalBytes) throw new CampaignError('PL_TOO_LARGE', { file: dir, limit: formatBytes(limits.maxTotalBytes) });
      files.set(path, readFileSync(full));
    }
  };
  walk(dir, '');
  return files;
}

function parseJsonFile(data: Buffer, onError: (reason: string) => CampaignError): unknown {
  try {
    return JSON.parse(data.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw onError(`not valid JSON: ${(error as Error).message}`);
  }
}

/** The manifest in `files`: PL_MANIFEST_MISSING when there is no top-level plugin.json, PL_MANIFEST_INVALID when it is bad. */
export function manifestOf(files: ReadonlyMap<string, Buffer>, label: string): PluginManifest {
  const data = files.get(MANIFEST_FILE);
  if (!data) throw new CampaignError('PL_MANIFEST_MISSING', { file: label });
  const json = parseJsonFile(data, (reason) => new CampaignError('PL_MANIFEST_INVALID', { path: '(file)', reason, file: label }));
  return parseManifest(json, label);
}

/** The manifest of the plugin folder `dir` (for building, before the entry exists). */
export function readManifestFromFolder(dir: string): PluginManifest {
  const file = join(dir, MANIFEST_FILE);
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CampaignError('PL_MANIFEST_MISSING', { file: dir });
    throw readFailed(file, error);
  }
  return manifestOf(new Map([[MANIFEST_FILE, data]]), dir);
}

/**
 * Checks the files of a package (as read from a folder or an archive named `label`): the
 * manifest, the entry file (PL_ENTRY_MISSING, or PL_MANIFEST_INVALID when it is not UTF-8
 * text) and the form of signature.json (PL_SIGNATURE_INVALID when malformed; whether it holds
 * is `verifyPackage`'s job).
 */
export function packageFromFiles(allFiles: ReadonlyMap<string, Buffer>, label: string): PluginPackage {
  const manifest = manifestOf(allFiles, label);
  const files = new Map(allFiles);
  const signatureData = files.get(SIGNATURE_FILE);
  files.delete(SIGNATURE_FILE);
  const entry = files.get(manifest.entry);
  if (!entry) throw new CampaignError('PL_ENTRY_MISSING', { id: manifest.id, entry: manifest.entry });
  let entrySource: string;
  try {
    entrySource = new TextDecoder('utf-8', { fatal: true }).decode(entry);
  } catch {
    throw new CampaignError('PL_MANIFEST_INVALID', { path: 'entry', reason: `${manifest.entry} is not UTF-8 text`, file: label });
  }
  let signature: PackageSignature | null = null;
  if (signatureData) {
    const invalid = (reason: string) => new CampaignError('PL_SIGNATURE_INVALID', { id: manifest.id, reason: `signature.json is malformed: ${reason}` });
    const parsed = packageSignatureSchema.safeParse(parseJsonFile(signatureData, invalid));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`);
    }
    signature = parsed.data;
  }
  return { manifest, files, signature, entrySource };
}

/**
 * Reads a plugin package: `source` is a folder, a `.cdplugin` file, or an archive's bytes with
 * its file name (e.g. an upload). Throws the PL_* code of the first problem; writes nothing.
 */
export async function readPackage(source: PackageSource, limits: PackageLimits = PACKAGE_LIMITS): Promise<PluginPackage> {
  if (typeof source !== 'string') return packageFromFiles(await readArchive(source.data, source.fileName, limits), source.fileName);
  const path = resolve(source);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw readFailed(path, error);
  }
  if (isDirectory) return packageFromFiles(readFolderFiles(path, limits), path);
  // The compressed file may be at most as large as the unpacked content may be.
  if (statSync(path).size > limits.maxTotalBytes) throw new CampaignError('PL_TOO_LARGE', { file: basename(path), limit: formatBytes(limits.maxTotalBytes) });
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw readFailed(path, error);
  }
  return packageFromFiles(await readArchive(data, basename(path), limits), basename(path));
}
