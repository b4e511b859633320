import type { RxCollection } from 'rxdb';
import { validateRule } from '../../core/audience/validate.ts';
import type { AudienceRule } from '../../core/audience/rule.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { NotFoundWhat } from '../../core/i18n/locales/errors.ts';
import type { AudienceDoc } from '../../db/schemas/audiences.ts';
import type { AudienceData, AudienceOptions } from './audience-data.ts';
import { streamMemberIds } from './evaluate-audience.ts';

export const MEMBERS_ATTACHMENT = 'members.txt';

export interface SaveAudienceInput {
  id?: string;
  name: string;
  description?: string;
  storeId?: string;
  rule: unknown;
}

/** Saved audiences: rules with a name, and frozen member lists (snapshots). */
export class AudienceStore {
  constructor(
    private readonly audiences: RxCollection<AudienceDoc>,
    private readonly data: AudienceData,
    private readonly newId: () => string,
  ) {}

  async list(includeArchived = false): Promise<AudienceDoc[]> {
    const docs = await this.audiences.find({ selector: includeArchived ? {} : { archived: false }, sort: [{ updatedAt: 'desc' }] }).exec();
    return docs.map((d) => d.toMutableJSON() as AudienceDoc);
  }

  async get(id: string): Promise<AudienceDoc> {
    const doc = await this.audiences.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'audience' satisfies NotFoundWhat, id });
    return doc.toMutableJSON() as AudienceDoc;
  }

  /** Creates or updates; the rule is validated first, so a bad rule changes nothing. */
  async save(input: SaveAudienceInput, now: number): Promise<AudienceDoc> {
    const rule: AudienceRule = validateRule(input.rule);
    const existing = input.id ? await this.audiences.findOne(input.id).exec() : null;
    if (input.id && !existing) throw new CampaignError('SYS_NOT_FOUND', { what: 'audience' satisfies NotFoundWhat, id: input.id });
    if (existing) {
      const updated = await existing.incrementalPatch({ name: input.name, description: input.description ?? existing.description, rule, updatedAt: now });
      return updated.toMutableJSON() as AudienceDoc;
    }
    const doc: AudienceDoc = {
      id: this.newId(),
      storeId: input.storeId ?? '',
      name: input.name,
      description: input.description ?? '',
      rule,
      mode: 'live',
      lastSize: 0,
      lastSizedAt: 0,
      archived: false,
      createdAt: now,
      updatedAt: now,
    };
    const inserted = await this.audiences.insert(doc);
    return inserted.toMutableJSON() as AudienceDoc;
  }

  async archive(id: string, archived: boolean, now: number): Promise<AudienceDoc> {
    const doc = await this.audiences.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'audience' satisfies NotFoundWhat, id });
    return (await doc.incrementalPatch({ archived, updatedAt: now })).toMutableJSON() as AudienceDoc;
  }

  /** Freezes the current members: evaluated now, kept with the audience, used by runs as is. */
  async snapshot(id: string, options: AudienceOptions): Promise<AudienceDoc> {
    const doc = await this.audiences.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'audience' satisfies NotFoundWhat, id });
    const ids: string[] = [];
    for await (const page of streamMemberIds(doc.rule as AudienceRule, this.data, options)) ids.push(...page);
    await doc.putAttachment({ id: MEMBERS_ATTACHMENT, data: new Blob([ids.join('\n')], { type: 'text/plain' }), type: 'text/plain' });
    const latest = doc.getLatest();
    return (await latest.incrementalPatch({ mode: 'snapshot', lastSize: ids.length, lastSizedAt: options.now, updatedAt: options.now })).toMutableJSON() as AudienceDoc;
  }

  /** The frozen member ids of a snapshot audience. */
  async snapshotMembers(id: string): Promise<string[]> {
    const doc = await this.audiences.findOne(id).exec();
    if (!doc) throw new CampaignError('SYS_NOT_FOUND', { what: 'audience' satisfies NotFoundWhat, id });
    const attachment = doc.getAttachment(MEMBERS_ATTACHMENT);
    if (!attachment) return [];
    const text = await attachment.getStringData();
    return text === '' ? [] : text.split('\n');
  }
}
