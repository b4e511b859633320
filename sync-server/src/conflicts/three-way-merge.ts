import { deepEqual } from 'rxdb';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies what a pusher changed (from `base`, the master state it started from, to `next`) onto
 * the current `master`, field by field through nested objects; arrays and scalars are whole
 * values. Changes at paths `canWrite` refuses are dropped; fields the pusher did not change keep
 * the master's value, so concurrent edits of different fields both survive.
 */
export function threeWayMerge(master: unknown, base: unknown, next: unknown, canWrite: (path: readonly string[]) => boolean, path: readonly string[] = []): unknown {
  if (deepEqual(next, base)) return master;
  if (isPlain(master) && isPlain(base) && isPlain(next)) {
    const result: Plain = {};
    const keys = new Set([...Object.keys(master), ...Object.keys(base), ...Object.keys(next)]);
    for (const key of keys) {
      const value = threeWayMerge(master[key], base[key], next[key], canWrite, [...path, key]);
      if (value !== undefined) result[key] = value;
    }
    return result;
  }
  return canWrite(path) ? next : master;
}
