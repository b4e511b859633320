import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CampaignError } from '../core/errors/campaign-error.ts';
import type { ErrorCode } from '../core/errors/codes.ts';

/**
 * Reads a JSON file given on the command line: IM_FILE when it cannot be read, and
 * `invalidCode` (the code of what the file should hold, e.g. AU_INVALID_RULE) at path
 * "(file)" when it is not JSON. The content is checked by the caller.
 */
export function readJsonFile(file: string, invalidCode: ErrorCode): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CampaignError('IM_FILE', { path: resolve(file), reason: (error as Error).message });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CampaignError(invalidCode, { path: '(file)', reason: `not valid JSON: ${(error as Error).message}` });
  }
}
