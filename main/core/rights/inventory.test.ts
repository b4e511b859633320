import fc from 'fast-check';
import { assertStockValid, commitStock, releaseStock, remaining, reserveStock, setStockTotal, stockDrift, type StockCounts } from './inventory.ts';

const empty: StockCounts = { total: 10, reserved: 0, granted: 0 };

describe('inventory arithmetic', () => {
  it('reserves, commits and releases', () => {
    let s = reserveStock(empty, 4, 's');
    expect(s).toEqual({ total: 10, reserved: 4, granted: 0 });
    s = commitStock(s, 3, 's');
    s = releaseStock(s, 1, 's');
    expect(s).toEqual({ total: 10, reserved: 0, granted: 3 });
    expect(remaining(s)).toBe(7);
  });

  it('refuses to reserve more than remains', () => {
    const s = reserveStock(empty, 10, 's');
    expect(() => reserveStock(s, 1, 's')).toThrowError(expect.objectContaining({ code: 'RT_OUT_OF_STOCK', params: { stock: 's', requested: 1, remaining: 0 } }));
  });

  it('refuses to commit or release more than is reserved', () => {
    const s = reserveStock(empty, 2, 's');
    expect(() => commitStock(s, 3, 's')).toThrowError(expect.objectContaining({ code: 'RT_STOCK_MISMATCH' }));
    expect(() => releaseStock(s, 3, 's')).toThrowError(expect.objectContaining({ code: 'RT_STOCK_MISMATCH' }));
  });

  it('refuses negative or fractional quantities', () => {
    expect(() => reserveStock(empty, -1, 's')).toThrowError(expect.objectContaining({ code: 'RT_BAD_QUANTITY' }));
    expect(() => reserveStock(empty, 1.5, 's')).toThrowError(expect.objectContaining({ code: 'RT_BAD_QUANTITY' }));
  });

  it('keeps the total above what is in use', () => {
    const s = commitStock(reserveStock(empty, 6, 's'), 4, 's');
    expect(setStockTotal(s, 6, 's').total).toBe(6);
    expect(() => setStockTotal(s, 5, 's')).toThrowError(expect.objectContaining({ code: 'RT_STOCK_TOTAL_TOO_LOW', params: { stock: 's', total: 5, inUse: 6 } }));
  });

  it('detects broken stock and drift from the grants', () => {
    expect(() => assertStockValid({ total: 1, reserved: 1, granted: 1 }, 's')).toThrowError(expect.objectContaining({ code: 'RT_STOCK_BROKEN' }));
    expect(stockDrift({ total: 5, reserved: 1, granted: 2 }, { reserved: 1, granted: 2 })).toEqual([]);
    expect(stockDrift({ total: 5, reserved: 1, granted: 2 }, { reserved: 0, granted: 2 })).toEqual(['reserved 1 != 0']);
  });

  it('never goes negative under any sequence of operations (property)', () => {
    const op = fc.record({ kind: fc.constantFrom('reserve', 'commit', 'release', 'total'), n: fc.integer({ min: -2, max: 12 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let s = empty;
        for (const { kind, n } of ops) {
          try {
            if (kind === 'reserve') s = reserveStock(s, n, 's');
            else if (kind === 'commit') s = commitStock(s, n, 's');
            else if (kind === 'release') s = releaseStock(s, n, 's');
            else s = setStockTotal(s, n, 's');
          } catch (error) {
            expect((error as { code?: string }).code).toMatch(/^RT_/);
          }
          assertStockValid(s, 's');
          expect(remaining(s)).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
