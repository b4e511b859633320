import { describe, expect, it } from 'vitest';
import type { CollectionSyncStatus, SyncStatus } from '../../../main/api/sync.ts';
import { connectionTagType, identityText, indicatorState, totalPending, usageRate } from './sync-format.ts';

const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;

function collection(overrides: Partial<CollectionSyncStatus>): CollectionSyncStatus {
  return { collection: 'plans', state: 'idle', pending: 0, pulled: 0, pushed: 0, keptLocal: 0, lastPulledAt: null, lastPushedAt: null, lastError: null, ...overrides };
}

function status(overrides: Partial<SyncStatus>): SyncStatus {
  return { connection: 'online', serverUrl: 'http://s', identity: null, lastSyncAt: null, error: null, collections: [], refusals: [], shares: { lastSettledAt: null, error: null }, ...overrides };
}

describe('sync display helpers', () => {
  it('says "syncing" while a collection moves or has changes to send, else the connection', () => {
    expect(indicatorState(null)).toBe('not-configured');
    expect(indicatorState(status({ collections: [collection({})] }))).toBe('online');
    expect(indicatorState(status({ collections: [collection({ pending: 2 })] }))).toBe('syncing');
    expect(indicatorState(status({ collections: [collection({ state: 'syncing' })] }))).toBe('syncing');
    expect(indicatorState(status({ connection: 'offline', collections: [collection({ pending: 2 })] }))).toBe('offline');
  });

  it('colours connections and counts what is left to send', () => {
    expect(connectionTagType('online')).toBe('success');
    expect(connectionTagType('offline')).toBe('danger');
    expect(connectionTagType('disabled')).toBe('warning');
    expect(totalPending(status({ collections: [collection({ pending: 2 }), collection({ collection: 'grants', pending: 3 })] }))).toBe(5);
    expect(totalPending(null)).toBe(0);
  });

  it('names the identity and the usage rate', () => {
    expect(identityText({ kind: 'store', storeId: 'S01', credentialId: 'c' }, t)).toBe('syncUi.identityStore{"storeId":"S01"}');
    expect(identityText({ kind: 'hq', userId: 'ops', role: 'operator', credentialId: 'c' }, t)).toBe('syncUi.identityHq{"userId":"ops","role":"syncUi.roles.operator"}');
    expect(identityText(null, t)).toBe('');
    expect(usageRate(0, 0)).toBe('—');
    expect(usageRate(8, 3)).toBe('37.5%');
  });
});
