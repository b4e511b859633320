import { describe, expect, it } from 'vitest';
import { formatCode, splitIds } from './format.ts';

describe('rights display helpers', () => {
  it('groups codes and splits typed ids', () => {
    expect(formatCode('ABCDEFGHJKMNPQR0')).toBe('ABCD-EFGH-JKMN-PQR0');
    expect(formatCode(null)).toBe('—');
    expect(splitIds(' C1, C2，C3\nC1  C4、C5 ')).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
  });
});
