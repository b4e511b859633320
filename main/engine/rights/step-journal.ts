import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { StepJournal } from './rights-ledger.ts';

/**
 * The ledger's "step in progress" flag as a file beside the database: created before a
 * step's writes and removed after them. Found at start, it means the app stopped in the
 * middle of a step, and the ledger repairs stock counters and records.
 */
export class FileStepJournal implements StepJournal {
  constructor(readonly file: string) {}

  /** True when the previous run stopped in the middle of a step. */
  wasInterrupted(): boolean {
    return existsSync(this.file);
  }

  begin(): void {
    writeFileSync(this.file, `${process.pid}\n`);
  }

  end(): void {
    rmSync(this.file, { force: true });
  }
}
