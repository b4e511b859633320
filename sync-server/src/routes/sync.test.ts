import { CampaignError } from '../../../main/core/errors/campaign-error.ts';
import { parseDatabaseUrl } from '../db/open-database.ts';
import { parseCheckpoint, parseLimit, parsePushRows, parseTargets } from './sync.ts';

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CampaignError ? error.code : 'not a CampaignError';
  }
  return undefined;
}

describe('sync request parsing', () => {
  it('reads checkpoints, limits and targets', () => {
    expect(parseCheckpoint(undefined)).toBeNull();
    expect(parseCheckpoint('null')).toBeNull();
    expect(parseCheckpoint('{"seq":12}')).toEqual({ seq: 12 });
    for (const bad of ['12', '{"seq":-1}', '{"seq":1.5}', '{"id":"x"}', '{']) expect(code(() => parseCheckpoint(bad)), bad).toBe('SY_BAD_REQUEST');
    expect(parseLimit(undefined, 1000)).toBe(100);
    expect(parseLimit('1000', 1000)).toBe(1000);
    expect(code(() => parseLimit('1001', 1000))).toBe('SY_BAD_REQUEST');
    expect(code(() => parseLimit('0', 1000))).toBe('SY_BAD_REQUEST');
    expect(parseTargets(undefined)).toBeUndefined();
    expect(parseTargets('all')).toBe('all');
    expect(parseTargets('none')).toBe('none');
    expect(parseTargets(' S01, S02 ,')).toEqual(['S01', 'S02']);
    expect(code(() => parseTargets(','))).toBe('SY_BAD_REQUEST');
  });

  it('reads RxDB push rows', () => {
    const doc = { id: 'a', _deleted: false };
    expect(parsePushRows([{ newDocumentState: doc }], 10)).toEqual([{ newDocumentState: doc, assumedMasterState: null }]);
    expect(parsePushRows([{ newDocumentState: doc, assumedMasterState: doc }], 10)[0]?.assumedMasterState).toBe(doc);
    for (const bad of [{}, [1], [{ newDocumentState: [] }], [{ newDocumentState: doc, assumedMasterState: 'x' }], [{ newDocumentState: doc }, { newDocumentState: doc }]]) {
      expect(code(() => parsePushRows(bad, 1)), JSON.stringify(bad)).toBe('SY_BAD_REQUEST');
    }
  });

  it('reads database URLs', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/sync.sqlite')).toEqual({ kind: 'sqlite', file: '/var/lib/sync.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/sync.sqlite')).toEqual({ kind: 'sqlite', file: '/var/lib/sync.sqlite' });
    expect(parseDatabaseUrl('postgres://u:p@db:5432/sync')).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/sync' });
    expect(parseDatabaseUrl('postgresql://db/sync').kind).toBe('postgres');
    expect(code(() => parseDatabaseUrl('sqlite:'))).toBe('SY_BAD_DATABASE_URL');
    try {
      parseDatabaseUrl('mysql://u:secret@db/x');
    } catch (error) {
      expect((error as CampaignError).message).not.toContain('secret');
    }
  });
});
