/**
 * Lets the event loop serve what is waiting (the API's requests, timers, finished I/O) before
 * going on. The database is synchronous (better-sqlite3) and RxDB resolves its promises at
 * once, so a run's writes would otherwise follow each other as one long stretch of microtasks
 * that holds the main process (and every API call) for hundreds of milliseconds. Awaited
 * before each bounded piece of work (one write slice, one load), it keeps any one stretch to
 * about the time of that piece.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * How long one write to one collection may hold the event loop, aimed at (ms), while a run
 * executes and the app is in use (an API request in the last `IN_USE_MS`): measured on the 2-core
 * machine during a 20,000-item run in the app, the API's p99 was 69–72 ms at 10 ms and 33–36 ms
 * at 5 ms.
 */
export const BACKGROUND_BUDGET_MS = 5;
/**
 * The same otherwise (no run executes, or nobody has asked the app anything for a while): fewer,
 * larger transactions. Each transaction has a fixed cost (its commit): the rights bench's batches
 * of 500 grants took about a third longer in 5 ms slices than in one transaction, and about as
 * long in 20 ms slices; a 100,000-item run without requests was about 5% faster (−5% to +18% in
 * four alternating pairs; README, Engine benchmark).
 */
export const FOREGROUND_BUDGET_MS = 20;
/** How long after an API request the app counts as in use (ms): a user clicking through screens, a live feed starting. */
export const IN_USE_MS = 2000;

let background = 0;
let lastRequestAt = Number.NEGATIVE_INFINITY;

/**
 * Runs background work (a chunk of a run); while any runs and the app is in use, writes are cut
 * to `BACKGROUND_BUDGET_MS` so the API stays responsive.
 */
export async function inBackground<T>(work: () => Promise<T>): Promise<T> {
  background++;
  try {
    return await work();
  } finally {
    background--;
  }
}

/** Notes an API request (the router calls it for every call): the app is in use for `IN_USE_MS`. */
export function noteRequest(now = performance.now()): void {
  lastRequestAt = now;
}

/** The budget of one write slice now (ms). */
export function writeBudgetMs(now = performance.now()): number {
  return background > 0 && now - lastRequestAt < IN_USE_MS ? BACKGROUND_BUDGET_MS : FOREGROUND_BUDGET_MS;
}

const MIN_SLICE = 25;
const MAX_SLICE = 500;

/** Most documents read by id in one go (a few milliseconds). */
export const READ_SLICE = 250;

/**
 * Sizes the slices of a collection's writes from the time the last ones took per document,
 * so each holds the loop for about `writeBudgetMs()`: large slices when the machine is quiet
 * (a transaction's fixed cost is paid less often), smaller ones when it is loaded or the
 * documents are heavy. One per collection.
 */
export class WriteSlicer {
  /** Milliseconds per document, a moving average (starts at 40 µs). */
  private msPerDoc = 0.04;

  size(): number {
    return Math.max(MIN_SLICE, Math.min(MAX_SLICE, Math.floor(writeBudgetMs() / this.msPerDoc)));
  }

  /** Reports a slice of `docs` documents that took `ms`. */
  took(docs: number, ms: number): void {
    if (docs < 10) return;
    this.msPerDoc = 0.7 * this.msPerDoc + 0.3 * (ms / docs);
  }
}
