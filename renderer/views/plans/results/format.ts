/** Numbers of the results screens, formatted for people (money in yuan from cents). */
export function yuan(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function percent(rate: number | null, digits = 1): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

/** A difference of proportions in percentage points, signed. */
export function points(diff: number, digits = 1): string {
  const v = diff * 100;
  return `${v > 0 ? '+' : ''}${v.toFixed(digits)}`;
}
