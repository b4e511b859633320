import { diffChanges } from './diff-changes.ts';

describe('diffChanges', () => {
  it('lists changed fields by dotted path, leaves out the edit\'s own timestamps, hides secrets and cuts long values', () => {
    const before = { name: 'Weekly', version: 3, updatedAt: 1, time: { timeZone: 'Asia/Shanghai', execution: { mode: 'fixed', at: '2026-04-01T10:00' } }, secret: 'old', tags: ['a'], note: 'x' };
    const after = { name: 'Weekly VIP', version: 4, updatedAt: 2, time: { timeZone: 'Asia/Shanghai', execution: { mode: 'fixed', at: '2026-04-02T10:00' } }, secret: 'new', tags: ['a', 'b'], long: 'y'.repeat(300) };
    const changes = diffChanges(before, after);
    expect(changes.map((c) => c.path)).toEqual(['long', 'name', 'note', 'secret', 'tags', 'time.execution.at', 'version']);
    expect(changes.find((c) => c.path === 'secret')).toEqual({ path: 'secret', before: '[hidden]', after: '[hidden]' });
    expect(changes.find((c) => c.path === 'note')).toEqual({ path: 'note', before: 'x' });
    expect(changes.find((c) => c.path === 'tags')).toEqual({ path: 'tags', before: ['a'], after: ['a', 'b'] });
    expect(String(changes.find((c) => c.path === 'long')?.after)).toHaveLength(201);
    expect(diffChanges(null, after)).toEqual([]);
    expect(diffChanges(before, before)).toEqual([]);
    expect(diffChanges(before, after, 2)).toHaveLength(2);
  });
});
