import semver from 'semver';
import { z } from 'zod';
import type { PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { formSchemaSchema } from '../../core/forms/form-schema.ts';
import { unsafePathReason } from './package-path.ts';

/**
 * plugin.json, checked against the SDK's {@link PluginManifest}. Unknown top-level fields are
 * dropped (like package.json, a manifest may carry notes for other tools), but the closed sets
 * `contributes`, `permissions` and `configSchema` refuse unknown keys: a misspelt contribution
 * kind would otherwise leave the plugin's registrations undeclared.
 */

export const PLUGIN_ID = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/;
export const CONTRIBUTION_ID = /^[a-z][a-z0-9-]{0,39}$/;
// A DNS name or IPv4 address in lower case, optionally with a port.
const NETWORK_HOST = /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:([1-9][0-9]{0,4}))?$/;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const localized = (max: number) => z.strictObject({ en: text(max), 'zh-CN': text(max) });

const contributionIds = z
  .array(z.string().regex(CONTRIBUTION_ID, 'ids are lower-case letters, digits and "-", starting with a letter (up to 40)'))
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'lists an id twice')
  .optional();

const networkHost = z
  .string()
  .regex(NETWORK_HOST, 'must be a lower-case host name, optionally with :port')
  .refine((host) => Number(host.split(':')[1] ?? 1) <= 65535, 'port must be 1 to 65535');

const entryPath = z
  .string()
  .superRefine((path, ctx) => {
    const unsafe = unsafePathReason(path);
    if (unsafe) ctx.addIssue({ code: 'custom', message: `must be a relative path inside the package (${unsafe})` });
    else if (!/\.c?js$/.test(path)) ctx.addIssue({ code: 'custom', message: 'must be a .js or .cjs file' });
  });

export const manifestSchema = z.object({
  id: z.string().max(100).regex(PLUGIN_ID, 'must be lower-case reverse-domain style, e.g. com.example.win-back'),
  name: localized(100),
  description: localized(500).optional(),
  version: z.string().refine((v) => semver.valid(v) === v, 'must be a semver version, e.g. 1.0.0'),
  publisher: text(100),
  apiVersion: z.string().refine((r) => r.trim() !== '' && semver.validRange(r) !== null, 'must be a semver range, e.g. ^1.0.0'),
  entry: entryPath,
  contributes: z.strictObject({
    marketingTypes: contributionIds,
    audienceConditions: contributionIds,
    timeModes: contributionIds,
    rightTypes: contributionIds,
    messageChannels: contributionIds,
  }),
  permissions: z.strictObject({ network: z.array(networkHost).max(50).optional() }).optional(),
  configSchema: formSchemaSchema.optional(),
}) satisfies z.ZodType<PluginManifest>;

/** The manifest in `json`, or PL_MANIFEST_INVALID naming the first bad field (`file` says where it came from). */
export function parseManifest(json: unknown, file: string): PluginManifest {
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  throw new CampaignError('PL_MANIFEST_INVALID', { path, reason: issue?.message ?? 'invalid', file });
}

/** PL_API_MISMATCH unless the app's plugin API `apiVersion` satisfies the manifest's range. */
export function checkApiRange(manifest: PluginManifest, apiVersion: string): void {
  if (!semver.satisfies(apiVersion, manifest.apiVersion)) {
    throw new CampaignError('PL_API_MISMATCH', { id: manifest.id, range: manifest.apiVersion, apiVersion });
  }
}
