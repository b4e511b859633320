import { createHash, randomBytes } from 'node:crypto';

/**
 * A new bearer token: 256 random bits, shown once. Only its SHA-256 is stored: with that much
 * entropy a slow hash (scrypt) adds nothing against guessing and would cost on every request.
 */
export function newToken(): string {
  return `cdt_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A short random id such as `cred_3kq9…` for rows the server names itself. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}
