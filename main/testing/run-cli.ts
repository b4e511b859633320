// Test-only: runs the CLI in this process (starting it costs seconds per process) and answers
// its exit code and what it printed.
import { vi } from 'vitest';
import { main } from '../cli/index.ts';

export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (out += `${parts.join(' ')}\n`));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await main(['node', 'campaign-desk', ...args]);
    return { code, out, err };
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
}
