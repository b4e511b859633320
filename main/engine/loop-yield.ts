/**
 * Lets the event loop serve what is waiting (the API's requests, timers, finished I/O) before
 * going on. The database is synchronous (better-sqlite3) and RxDB resolves its promises at
 * once, so a run's writes would otherwise follow each other as one long stretch of microtasks
 * that holds the main process (and every API call) for hundreds of milliseconds. Awaited
 * before each bounded piece of work (one write of at most `WRITE_SLICE` documents, one load),
 * it keeps any one stretch to about the time of that piece.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Most documents written to one collection in one go (one SQLite transaction). Smaller slices
 * hold the loop for less time but pay the transaction's fixed cost more often: 250 grants
 * (the heaviest documents, eight indexes) take about 10–20 ms on the 2-core build machine.
 */
export const WRITE_SLICE = 250;
