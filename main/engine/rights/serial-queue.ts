/**
 * Runs async tasks one at a time, in call order. The rights ledger serializes its writes
 * through one of these: a ledger step touches stocks, grants and records, and RxDB makes
 * each collection's bulk write atomic but not a write across collections. One writer at a
 * time (SQLite locks the file to this process) means a step always sees the result of the
 * previous one, so stock is checked and taken without races.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    // The next task waits for this one whether it succeeds or fails.
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
