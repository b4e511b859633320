import type { AudienceRule } from '../../core/audience/rule.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { taskId, ZERO_TASK_COUNTS, type ItemOutcome, type Run, type Task } from '../../core/plans/run.ts';
import { customersDue } from '../../core/time/execution-time.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import type { AudienceData } from '../audience/audience-data.ts';
import type { AudienceStore } from '../audience/audience-store.ts';
import { compileAudience } from '../audience/compile-audience.ts';
import { memberIdPages, memberPages } from '../audience/evaluate-audience.ts';
import type { RunStore } from './run-store.ts';

export interface SplitDeps {
  runs: RunStore;
  audiences: AudienceStore;
  data: AudienceData;
  defaultZone: string;
  chunkSize: number;
  now: () => number;
}

/** Members in id order, each with its own occurrence when it has one (birthday: the day it is due). */
type Member = { id: string; occurrence?: string };

const ID_PAGE = 2000;

async function* snapshotDocs(ids: string[], data: AudienceData): AsyncGenerator<CustomerDoc[]> {
  for (let i = 0; i < ids.length; i += ID_PAGE) {
    const found = await data.customers.findByIds(ids.slice(i, i + ID_PAGE)).exec();
    yield [...found.values()].map((d) => d.toMutableJSON() as CustomerDoc).sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  }
}

/** The run's members in ascending id order: the audience (live at the occurrence, or its snapshot), birthday runs only those due. */
async function* members(run: Run, deps: SplitDeps, signal: AbortSignal): AsyncGenerator<Member[]> {
  const audience = await deps.audiences.get(run.plan.audienceId).catch((error: unknown) => {
    const reason = error instanceof CampaignError ? error.message : String(error);
    throw new CampaignError('EN_AUDIENCE_UNAVAILABLE', { id: run.plan.audienceId, planId: run.planId, reason });
  });
  const dueDates = run.plan.dueDates;
  const birthday = run.plan.time.execution.mode === 'birthday' && dueDates !== undefined;
  if (audience.mode === 'snapshot' && !birthday) {
    const ids = [...new Set(await deps.audiences.snapshotMembers(audience.id))].sort();
    for (let i = 0; i < ids.length; i += ID_PAGE) yield ids.slice(i, i + ID_PAGE).map((id) => ({ id }));
    return;
  }
  // Evaluated as of the occurrence, so a split resumed after a crash sees the same members.
  if (audience.mode !== 'snapshot' && !birthday) {
    const compiled = await compileAudience(audience.rule as AudienceRule, deps.data, { now: run.scheduledAt, defaultZone: deps.defaultZone });
    // Only the ids: no customer document is read (or parsed) to split.
    for await (const ids of memberIdPages(compiled, deps.data, signal)) yield ids.map((id) => ({ id }));
    return;
  }
  const pages =
    audience.mode === 'snapshot'
      ? snapshotDocs([...new Set(await deps.audiences.snapshotMembers(audience.id))].sort(), deps.data)
      : memberPages(await compileAudience(audience.rule as AudienceRule, deps.data, { now: run.scheduledAt, defaultZone: deps.defaultZone }), deps.data, signal);
  for await (const page of pages) {
    if (!birthday) {
      yield page.map((c) => ({ id: c.externalId }));
      continue;
    }
    const people = page.map((c) => ({ id: c.externalId, birthday: c.birthday ?? null }));
    const dueOn = new Map<string, string>();
    // The earliest due day wins: a catch-up run serves each customer once.
    for (const date of [...dueDates].reverse()) for (const id of customersDue(run.plan.time, date, people)) dueOn.set(id, date);
    const out = page.flatMap((c) => {
      const date = dueOn.get(c.externalId);
      return date === undefined ? [] : [{ id: c.externalId, occurrence: date }];
    });
    if (out.length > 0) yield out;
  }
}

function pendingItem(member: Member): ItemOutcome {
  return member.occurrence !== undefined ? { s: 'pending', a: 0, o: member.occurrence } : { s: 'pending', a: 0 };
}

/**
 * Split: streams the run's members into chunks of tasks, each persisted before any work
 * starts. Resuming after a crash continues after the last id already written (members come
 * in id order), so no customer lands in two chunks. Returns the number of members.
 */
export async function splitRun(run: Run, deps: SplitDeps, signal: AbortSignal, onChunk?: (chunks: number, members: number) => void): Promise<{ chunks: number; members: number }> {
  const last = await deps.runs.lastTask(run.id);
  const after = last?.customerIds[last.customerIds.length - 1] ?? null;
  let chunk = last ? last.chunk + 1 : 0;
  let total = 0;
  if (last) {
    for (const task of await deps.runs.allTasks(run.id)) total += task.customerIds.length;
  }
  let buffer: Member[] = [];
  const flush = async (all: boolean) => {
    while (buffer.length >= deps.chunkSize || (all && buffer.length > 0)) {
      const part = buffer.slice(0, deps.chunkSize);
      buffer = buffer.slice(deps.chunkSize);
      const now = deps.now();
      const task: Task = {
        id: taskId(run.id, chunk),
        runId: run.id,
        planId: run.planId,
        chunk,
        customerIds: part.map((m) => m.id),
        items: part.map(pendingItem),
        state: 'pending',
        nextAttemptAt: NEVER,
        counts: { ...ZERO_TASK_COUNTS },
        createdAt: now,
        updatedAt: now,
      };
      await deps.runs.insertTasks([task]);
      chunk++;
      total += part.length;
      onChunk?.(chunk, total);
    }
  };
  for await (const page of members(run, deps, signal)) {
    if (signal.aborted) return { chunks: chunk, members: total };
    for (const m of page) if (after === null || m.id > after) buffer.push(m);
    await flush(false);
  }
  await flush(true);
  return { chunks: chunk, members: total };
}
