import type { SyncConnection, SyncIdentity, SyncStatus } from '../../../main/api/sync.ts';

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Element Plus tag type of a connection state. */
export function connectionTagType(connection: SyncConnection): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (connection) {
    case 'online':
      return 'success';
    case 'offline':
      return 'danger';
    case 'connecting':
      return 'primary';
    case 'disabled':
      return 'warning';
    case 'not-configured':
      return 'info';
  }
}

/** What the header shows: the connection, or "syncing" while any collection moves. */
export function indicatorState(status: SyncStatus | null): SyncConnection | 'syncing' {
  if (!status) return 'not-configured';
  if (status.connection === 'online' && status.collections.some((c) => c.state === 'syncing' || c.pending > 0)) return 'syncing';
  return status.connection;
}

/** "Store S01" / "HQ user ops (operator)". */
export function identityText(identity: SyncIdentity | null, t: Translate): string {
  if (!identity) return '';
  if (identity.kind === 'store') return t('syncUi.identityStore', { storeId: identity.storeId });
  return t('syncUi.identityHq', { userId: identity.userId, role: t(`syncUi.roles.${identity.role}`) });
}

/** Local changes not yet acknowledged, over all collections. */
export function totalPending(status: SyncStatus | null): number {
  return status ? status.collections.reduce((n, c) => n + c.pending, 0) : 0;
}

/** Share of granted rights that were used, as "42.0%" (or "—" when none were granted). */
export function usageRate(granted: number, used: number): string {
  return granted === 0 ? '—' : `${((used / granted) * 100).toFixed(1)}%`;
}
