import { userInfo } from 'node:os';
import type { Actor } from '../core/rights/operation-record.ts';

/** The person at the terminal, as records and the audit log name them. */
export function cliActor(): Actor {
  let name = 'cli';
  try {
    name = userInfo().username || name;
  } catch {
    // no user database entry (containers): keep the generic name
  }
  return { type: 'cli', id: name };
}
