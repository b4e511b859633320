import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { Actor } from '../../core/rights/operation-record.ts';
import { nextRightVersion, type RightInput, type RightVersion } from '../../core/rights/right.ts';
import { nextPackageVersion, type PackageInput, type PackageVersion } from '../../core/rights/rights-package.ts';
import { fromPackageDoc, toPackageDoc, type PackageDoc } from '../../db/schemas/rights-packages.ts';
import { fromRightDoc, toRightDoc, versionId, type RightDoc } from '../../db/schemas/rights.ts';
import { DocStore, plain } from './doc-store.ts';
import { newCatalogId } from './ids.ts';
import type { RightsCollections } from './rights-collections.ts';
import type { SerialQueue } from './serial-queue.ts';

export function actorLabel(actor: Actor): string {
  return `${actor.type}:${actor.id}`;
}

/** Newest version per id, in name order. */
function latest<T extends { id: string; version: number; name: string }>(versions: T[]): T[] {
  const byId = new Map<string, T>();
  for (const v of versions) {
    const seen = byId.get(v.id);
    if (!seen || seen.version < v.version) byId.set(v.id, v);
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The catalog of rights and packages. Every save writes a new immutable version; reading
 * "the right" means its newest version, and any older version stays readable.
 */
export class RightsCatalog {
  private readonly rights: DocStore<RightDoc>;
  private readonly packages: DocStore<PackageDoc>;

  constructor(
    collections: Pick<RightsCollections, 'rights' | 'rightsPackages'>,
    private readonly queue: SerialQueue,
    private readonly now: () => number,
  ) {
    this.rights = new DocStore(collections.rights);
    this.packages = new DocStore(collections.rightsPackages);
  }

  async listRights(options: { includeArchived?: boolean } = {}): Promise<RightVersion[]> {
    const all = (await this.rights.find({ selector: {} })).map((d) => fromRightDoc(plain(d)));
    return latest(all).filter((r) => options.includeArchived || !r.archived);
  }

  /** A right's newest version, or the given one; SYS_NOT_FOUND if there is none. */
  async getRight(id: string, version?: number): Promise<RightVersion> {
    const docs = await this.rights.find({ selector: version === undefined ? { id } : { id, version }, sort: [{ id: 'desc' }, { version: 'desc' }], limit: 1 });
    const doc = docs[0];
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'right' satisfies NotFoundWhat, id: version === undefined ? id : versionId(id, version) });
    return fromRightDoc(plain(doc));
  }

  /** Versions of right/version pairs, loaded in one read; missing ones throw SYS_NOT_FOUND. */
  async rightVersions(refs: readonly { id: string; version: number }[]): Promise<Map<string, RightVersion>> {
    const found = await this.rights.byIds(refs.map((r) => versionId(r.id, r.version)));
    const out = new Map<string, RightVersion>();
    for (const ref of refs) {
      const vid = versionId(ref.id, ref.version);
      const doc = found.get(vid);
      if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'right' satisfies NotFoundWhat, id: vid });
      out.set(vid, fromRightDoc(plain(doc)));
    }
    return out;
  }

  /** Every version of a right, newest first. */
  async rightHistory(id: string): Promise<RightVersion[]> {
    const docs = await this.rights.find({ selector: { id }, sort: [{ id: 'asc' }, { version: 'desc' }] });
    if (docs.length === 0) throw new CampaignError('SYS_NOT_FOUND', { what: 'right' satisfies NotFoundWhat, id });
    return docs.map((d) => fromRightDoc(plain(d)));
  }

  createRight(input: RightInput, actor: Actor): Promise<RightVersion> {
    return this.queue.run(async () => {
      const right = nextRightVersion(null, input, { id: newCatalogId('R'), now: this.now(), actor: actorLabel(actor) });
      await this.rights.insert([toRightDoc(right)]);
      return right;
    });
  }

  /** Saves a new version of a right; `expectedVersion` is the version the editor started from. */
  updateRight(id: string, input: RightInput, expectedVersion: number, actor: Actor): Promise<RightVersion> {
    return this.queue.run(async () => {
      const previous = await this.getRight(id);
      const right = nextRightVersion(previous, input, { id, now: this.now(), actor: actorLabel(actor), expectedVersion });
      const existing = await this.rights.insert([toRightDoc(right)]);
      if (existing.length > 0) throw new CampaignError('RT_VERSION_CONFLICT', { id, expected: expectedVersion, actual: right.version });
      return right;
    });
  }

  async listPackages(options: { includeArchived?: boolean } = {}): Promise<PackageVersion[]> {
    const all = (await this.packages.find({ selector: {} })).map((d) => fromPackageDoc(plain(d)));
    return latest(all).filter((p) => options.includeArchived || !p.archived);
  }

  async getPackage(id: string, version?: number): Promise<PackageVersion> {
    const docs = await this.packages.find({ selector: version === undefined ? { id } : { id, version }, sort: [{ id: 'desc' }, { version: 'desc' }], limit: 1 });
    const doc = docs[0];
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'package' satisfies NotFoundWhat, id: version === undefined ? id : versionId(id, version) });
    return fromPackageDoc(plain(doc));
  }

  async packageHistory(id: string): Promise<PackageVersion[]> {
    const docs = await this.packages.find({ selector: { id }, sort: [{ id: 'asc' }, { version: 'desc' }] });
    if (docs.length === 0) throw new CampaignError('SYS_NOT_FOUND', { what: 'package' satisfies NotFoundWhat, id });
    return docs.map((d) => fromPackageDoc(plain(d)));
  }

  createPackage(input: PackageInput, actor: Actor): Promise<PackageVersion> {
    return this.queue.run(() => this.savePackage(null, input, undefined, actor));
  }

  updatePackage(id: string, input: PackageInput, expectedVersion: number, actor: Actor): Promise<PackageVersion> {
    return this.queue.run(async () => this.savePackage(await this.getPackage(id), input, expectedVersion, actor));
  }

  private async savePackage(previous: PackageVersion | null, input: PackageInput, expectedVersion: number | undefined, actor: Actor): Promise<PackageVersion> {
    const current = new Map((await this.listRights({ includeArchived: true })).map((r) => [r.id, r]));
    const pkg = nextPackageVersion(previous, input, {
      id: previous?.id ?? newCatalogId('P'),
      now: this.now(),
      actor: actorLabel(actor),
      expectedVersion,
      currentVersion: (rightId) => current.get(rightId)?.version ?? null,
    });
    for (const item of pkg.items) {
      const right = current.get(item.rightId);
      if (right?.archived && !pkg.archived) throw new CampaignError('RT_ARCHIVED', { right: right.id, name: right.name });
    }
    const existing = await this.packages.insert([toPackageDoc(pkg)]);
    if (existing.length > 0) throw new CampaignError('RT_VERSION_CONFLICT', { id: pkg.id, expected: expectedVersion ?? 0, actual: pkg.version });
    return pkg;
  }
}
