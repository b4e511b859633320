import { z } from 'zod';
import type { PlanTemplate, PlanTiming, RuleNode } from '../../plugins/sdk/campaign-desk-plugin.ts';
import type { ContributionDescriptor } from '../plugins/host/protocol.ts';
import type { MarketingTypeInfo } from '../plugins/marketing-types.ts';
import type { InstallResult, PackageInspection, PluginInfo } from '../plugins/plugin-manager.ts';
import type { TrustedKey } from '../plugins/trusted-keys.ts';
import { actorOf } from './actor.ts';
import { defineMutation, defineQuery } from './define.ts';

const id = z.string().trim().min(1).max(100);
const byId = z.object({ id }).strict();
const json = z.record(z.string(), z.json());
/** A package picked in the UI: up to ~9 MB (larger ones install with the CLI). */
const upload = z.object({ fileName: z.string().min(1).max(255), dataBase64: z.string().min(1).max(12 * 1024 * 1024) }).strict();

function packageOf(input: z.infer<typeof upload>) {
  return { fileName: input.fileName, data: Buffer.from(input.dataBase64, 'base64') };
}

export const pluginMethods = [
  defineQuery('plugins/list-plugins', z.object({}).strict().optional(), (_input, ctx): Promise<PluginInfo[]> => ctx.services.plugins.list()),
  defineQuery('plugins/get-plugin', byId, ({ id: pluginId }, ctx): Promise<PluginInfo> => ctx.services.plugins.get(pluginId)),
  /** The marketing types of the enabled plugins (the plan editor's first step). */
  defineQuery('plugins/list-marketing-types', z.object({}).strict().optional(), (_input, ctx): Promise<MarketingTypeInfo[]> => ctx.services.marketingTypes.list()),
  /** The plan a marketing type starts from, for the values of its config form. */
  defineQuery('plugins/plan-template', z.object({ pluginId: id, typeId: id, config: json.default({}) }).strict(), (input, ctx): Promise<PlanTemplate> =>
    ctx.services.marketingTypes.template(input.pluginId, input.typeId, input.config),
  ),
  /** One line about a plan from its marketing type (null when the type has no description hook). */
  defineQuery('plugins/describe-plan', z.object({ id, locale: z.enum(['en', 'zh-CN']).default('zh-CN') }).strict(), async (input, ctx): Promise<{ text: string | null }> => ({
    text: await ctx.services.marketingTypes.describe(await ctx.services.engine.plans.get(input.id), input.locale),
  })),
  defineQuery('plugins/list-contributions', z.object({ kind: z.enum(['marketingType', 'audienceCondition', 'timeMode', 'rightType', 'messageChannel']) }).strict(), (input, ctx): Promise<(ContributionDescriptor & { pluginId: string })[]> =>
    ctx.services.plugins.contributions(input.kind),
  ),
  defineQuery('plugins/expand-condition', z.object({ pluginId: id, id, params: json.default({}) }).strict(), (input, ctx): Promise<RuleNode> => ctx.services.marketingTypes.expandCondition(input.pluginId, input.id, input.params)),
  defineQuery('plugins/resolve-time-mode', z.object({ pluginId: id, id, params: json.default({}) }).strict(), (input, ctx): Promise<PlanTiming> => ctx.services.marketingTypes.resolveTimeMode(input.pluginId, input.id, input.params)),
  /** Reads and checks a package without installing it: manifest, signature and trust. */
  defineQuery('plugins/inspect-package', upload, (input, ctx): Promise<PackageInspection> => ctx.services.plugins.inspect(packageOf(input))),
  /** Installs (or with `update`, replaces) a package; unsigned or untrusted ones need `installAnyway`. */
  defineMutation('plugins/install-plugin', upload.extend({ installAnyway: z.boolean().default(false), update: z.boolean().default(false), acceptBreaks: z.boolean().default(false) }), (input, ctx): Promise<InstallResult> =>
    ctx.services.plugins.install(packageOf(input), { installAnyway: input.installAnyway, update: input.update, acceptBreaks: input.acceptBreaks, actor: actorOf(ctx) }),
  ),
  defineMutation('plugins/enable-plugin', byId, ({ id: pluginId }, ctx): Promise<PluginInfo> => ctx.services.plugins.enable(pluginId, actorOf(ctx))),
  defineMutation('plugins/disable-plugin', byId, ({ id: pluginId }, ctx): Promise<PluginInfo> => ctx.services.plugins.disable(pluginId, actorOf(ctx))),
  defineMutation('plugins/uninstall-plugin', byId, async ({ id: pluginId }, ctx): Promise<{ ok: true }> => {
    await ctx.services.plugins.uninstall(pluginId, actorOf(ctx));
    return { ok: true };
  }),
  defineMutation('plugins/configure-plugin', z.object({ id, config: json }).strict(), (input, ctx): Promise<PluginInfo> => ctx.services.plugins.configure(input.id, input.config, actorOf(ctx))),
  defineQuery('plugins/list-trusted-keys', z.object({}).strict().optional(), (_input, ctx): Promise<TrustedKey[]> => ctx.services.plugins.trustedKeys.list()),
  /** Trusts a publisher's ed25519 public key (PEM or base64 of the raw 32 bytes). */
  defineMutation('plugins/trust-key', z.object({ publisher: z.string().trim().min(1).max(100), publicKey: z.string().min(1).max(2000) }).strict(), (input, ctx): Promise<TrustedKey> =>
    ctx.services.plugins.trustedKeys.add(input.publisher, input.publicKey, `${actorOf(ctx).type}:${actorOf(ctx).id}`, ctx.services.clock.now()),
  ),
  defineMutation('plugins/untrust-key', z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) }).strict(), async (input, ctx): Promise<{ removed: boolean }> => ({
    removed: await ctx.services.plugins.trustedKeys.remove(input.keyId, `${actorOf(ctx).type}:${actorOf(ctx).id}`, ctx.services.clock.now()),
  })),
] as const;
