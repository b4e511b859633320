import type { AudienceRule, Condition, CustomerChannel, Localized, PlanAction, RuleNode } from '../sdk/campaign-desk-plugin.ts';

/** Building blocks of the built-in types' templates. */

/** The delivery channel every installation has (a local file the store's tools pick up). */
export const DEFAULT_VIA = 'outbox';

/** Reachable on a channel: consented and not opted out. */
export function consent(channel: CustomerChannel): Condition {
  return { kind: 'consent', channel };
}

/** A versioned rule whose root is every given node (the node itself when there is one). */
export function ruleOf(...nodes: RuleNode[]): AudienceRule {
  const [only] = nodes;
  return { version: 1, root: nodes.length === 1 && only ? only : { op: 'and', children: nodes } };
}

/** A message action in both languages, sent through the default delivery channel. */
export function messageAction(id: string, channel: CustomerChannel, body: Localized): PlanAction {
  return { id, type: 'message', channel, via: DEFAULT_VIA, template: { 'zh-CN': { body: body['zh-CN'] }, en: { body: body.en } } };
}

/** The app keeps names of plans and audiences to this many characters. */
export const MAX_NAME_LENGTH = 100;

/** `full` when it fits the app's name length, else `short`. */
export function fitName(full: string, short: string): string {
  return full.length <= MAX_NAME_LENGTH ? full : short;
}
