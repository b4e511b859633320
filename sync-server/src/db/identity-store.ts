import type { Kysely } from 'kysely';
import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import type { SyncExistingWhat, SyncNotFoundWhat, UnauthorizedReason } from '../../../main/core/i18n/locales/sync.ts';
import { isHqRole, type HqRole, type Principal } from '../auth/principal.ts';
import { hashToken, newId, newToken } from '../auth/tokens.ts';
import type { SyncTables } from './tables.ts';

export interface StoreInfo {
  id: string;
  name: string;
  createdAt: number;
}

export interface UserInfo {
  id: string;
  name: string;
  role: HqRole;
  createdAt: number;
}

/** A credential as HQ sees it: never the token, which is shown once when issued. */
export interface CredentialInfo {
  id: string;
  storeId: string | null;
  userId: string | null;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

/** A credential just issued, with its token: the only time the token is ever available. */
export interface IssuedCredential {
  credential: CredentialInfo;
  token: string;
}

/** Ids of stores and users: what a store id may be in documents (`key()`, 64 characters). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkId(what: string, id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new CampaignError('SY_BAD_REQUEST', { reason: `${what} must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit` });
  }
  return id;
}

function credentialInfo(row: SyncTables['credentials']): CredentialInfo {
  return { id: row.id, storeId: row.store_id, userId: row.user_id, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

/** Stores, HQ users and their bearer credentials. */
export class IdentityStore {
  constructor(
    private readonly db: Kysely<SyncTables>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves a bearer token to its principal; SY_UNAUTHORIZED or SY_REVOKED otherwise. */
  async authenticate(token: string): Promise<Principal> {
    const row = await this.db
      .selectFrom('credentials as c')
      .leftJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.id', 'c.store_id', 'c.user_id', 'c.revoked_at', 'u.role'])
      .where('c.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) throw new CampaignError('SY_UNAUTHORIZED', { reason: 'unknown-token' satisfies UnauthorizedReason });
    if (row.revoked_at !== null) throw new CampaignError('SY_REVOKED', { credentialId: row.id });
    if (row.store_id !== null) return { kind: 'store', credentialId: row.id, storeId: row.store_id };
    if (row.user_id !== null && isHqRole(row.role)) return { kind: 'hq', credentialId: row.id, userId: row.user_id, role: row.role };
    throw new CampaignError('SY_UNAUTHORIZED', { reason: 'no-user' satisfies UnauthorizedReason });
  }

  /** The credential ids among `ids` that are revoked (or gone). */
  async revokedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const live = await this.db.selectFrom('credentials').select('id').where('id', 'in', ids).where('revoked_at', 'is', null).execute();
    const alive = new Set(live.map((r) => r.id));
    return new Set(ids.filter((id) => !alive.has(id)));
  }

  async hasAdmin(): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Creates the first HQ admin (user `admin`) and its credential; with `token` (e.g. from an
   * environment variable) that token is the credential, else a new one is made. Refused with
   * SY_ALREADY_INITIALIZED when an admin exists.
   */
  async initAdmin(token?: string): Promise<IssuedCredential> {
    if (token !== undefined && token.length < 32) {
      throw new CampaignError('SY_BAD_REQUEST', { reason: 'the admin token must be at least 32 characters' });
    }
    if (await this.hasAdmin()) throw new CampaignError('SY_ALREADY_INITIALIZED');
    let id = 'admin';
    if (await this.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) id = newId('admin');
    await this.db.insertInto('users').values({ id, name: 'HQ admin', role: 'admin', created_at: this.now() }).execute();
    return this.issue({ userId: id }, 'initial admin', token);
  }

  async createStore(id: string, name: string): Promise<StoreInfo> {
    checkId('a store id', id);
    const createdAt = this.now();
    const inserted = await this.db
      .insertInto('stores')
      .values({ id, name, created_at: createdAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new CampaignError('SY_ALREADY_EXISTS', { what: 'store' satisfies SyncExistingWhat, id });
    return { id, name, createdAt };
  }

  async listStores(): Promise<StoreInfo[]> {
    const rows = await this.db.selectFrom('stores').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  /** Throws SY_UNKNOWN_STORE for the first id that is not a store. */
  async requireStores(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return;
    const found = await this.db.selectFrom('stores').select('id').where('id', 'in', wanted).execute();
    const known = new Set(found.map((r) => r.id));
    const missing = wanted.find((id) => !known.has(id));
    if (missing !== undefined) throw new CampaignError('SY_UNKNOWN_STORE', { storeId: missing });
  }

  async createUser(id: string, name: string, role: HqRole): Promise<UserInfo> {
    checkId('a user id', id);
    const createdAt = this.now();
    const inserted = await this.db
      .insertInto('users')
      .values({ id, name, role, created_at: createdAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new CampaignError('SY_ALREADY_EXISTS', { what: 'user' satisfies SyncExistingWhat, id });
    return { id, name, role, createdAt };
  }

  async listUsers(): Promise<UserInfo[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, role: isHqRole(r.role) ? r.role : 'read-only', createdAt: r.created_at }));
  }

  /** Issues a new credential for a store or an HQ user; the token is returned only here. */
  async issue(owner: { storeId: string } | { userId: string }, label: string, token = newToken()): Promise<IssuedCredential> {
    if ('storeId' in owner) {
      const store = await this.db.selectFrom('stores').select('id').where('id', '=', owner.storeId).executeTakeFirst();
      if (!store) throw new CampaignError('SY_NOT_FOUND', { what: 'store' satisfies SyncNotFoundWhat, id: owner.storeId });
    } else {
      const user = await this.db.selectFrom('users').select('id').where('id', '=', owner.userId).executeTakeFirst();
      if (!user) throw new CampaignError('SY_NOT_FOUND', { what: 'user' satisfies SyncNotFoundWhat, id: owner.userId });
    }
    const row: SyncTables['credentials'] = {
      id: newId('cred'),
      token_hash: hashToken(token),
      store_id: 'storeId' in owner ? owner.storeId : null,
      user_id: 'userId' in owner ? owner.userId : null,
      label: label.slice(0, 200),
      created_at: this.now(),
      revoked_at: null,
    };
    const inserted = await this.db
      .insertInto('credentials')
      .values(row)
      .onConflict((oc) => oc.column('token_hash').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw new CampaignError('SY_ALREADY_EXISTS', { what: 'credential-token' satisfies SyncExistingWhat, id: row.id });
    return { credential: credentialInfo(row), token };
  }

  async listCredentials(filter: { storeId?: string; userId?: string } = {}): Promise<CredentialInfo[]> {
    let query = this.db.selectFrom('credentials').selectAll().orderBy('created_at');
    if (filter.storeId !== undefined) query = query.where('store_id', '=', filter.storeId);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    return (await query.execute()).map(credentialInfo);
  }

  /** Revokes a credential at once (idempotent); answers it as it now is. */
  async revoke(id: string): Promise<CredentialInfo> {
    await this.db.updateTable('credentials').set({ revoked_at: this.now() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    const row = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new CampaignError('SY_NOT_FOUND', { what: 'credential' satisfies SyncNotFoundWhat, id });
    return credentialInfo(row);
  }

  /** Issues a replacement for a credential (same store or user, same label) and revokes it. */
  async rotate(id: string): Promise<IssuedCredential> {
    const row = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new CampaignError('SY_NOT_FOUND', { what: 'credential' satisfies SyncNotFoundWhat, id });
    if (row.revoked_at !== null) throw new CampaignError('SY_REVOKED', { credentialId: id });
    const owner = row.store_id !== null ? { storeId: row.store_id } : { userId: row.user_id ?? '' };
    const issued = await this.issue(owner, row.label);
    await this.revoke(id);
    return issued;
  }
}
