import { describe, expect, it } from 'vitest';
import { emptySearchForm, filterOf, storeText, targetText, valueText } from './audit-format.ts';

describe('audit screen helpers', () => {
  it('shows values, targets and an absent side', () => {
    expect(valueText('Weekly')).toBe('Weekly');
    expect(valueText(3)).toBe('3');
    expect(valueText({ start: '21:00' })).toBe('{"start":"21:00"}');
    expect(valueText(undefined)).toBe('—');
    expect(targetText({ targetCollection: 'plans', targetId: 'p1' })).toBe('plans/p1');
    expect(targetText({ targetCollection: 'database', targetId: '' })).toBe('database');
    expect(targetText({ targetCollection: '', targetId: '' })).toBe('—');
    expect([storeText(undefined, 'HQ'), storeText('', 'HQ'), storeText('S1', 'HQ')]).toEqual(['—', 'HQ', 'S1']);
  });

  it('turns the search form into the API filter, the last date included', () => {
    expect(filterOf({ ...emptySearchForm(), method: ' plans ' })).toEqual({ method: 'plans' });
    expect(filterOf({ ...emptySearchForm(), store: 'hq' })).toEqual({ storeId: '' });
    expect(filterOf({ ...emptySearchForm(), store: ' S1 ' })).toEqual({ storeId: 'S1' });
    const f = filterOf({ ...emptySearchForm(), actor: 'user:desk', text: 'Weekly', dates: ['2026-03-01', '2026-03-31'] });
    expect(f).toMatchObject({ actor: 'user:desk', text: 'Weekly' });
    expect(new Date(f.since!).toDateString()).toBe(new Date(2026, 2, 1).toDateString());
    expect(f.until).toBe(new Date(2026, 3, 1).getTime());
  });
});
