import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { CustomerVerdict, EligibilityHook } from './chunk-processor.ts';
import { customers, openEngineTest, ZONE, type EngineTest } from './test-engine.ts';

const HOUR = 3_600_000;
const notice = { id: 'notice', type: 'message' as const, channel: 'sms' as const, via: 'outbox', template: { 'zh-CN': { body: '{{name}}，会员日快乐' } } };

/** A marketing type's hooks as the plugin host would answer them; `mode` changes between steps. */
function fakeType() {
  const state = { mode: 'ok' as 'ok' | 'down', waitUntil: 0 };
  const hook: EligibilityHook = async (_run, list) => {
    if (state.mode === 'down') throw new CampaignError('PL_UNAVAILABLE', { id: 'com.example.type', reason: 'it crashed' });
    const out = new Map<string, CustomerVerdict>();
    for (const c of list) out.set(c.externalId, c.level < 2 ? 'below member level' : c.level === 5 && state.waitUntil ? { waitUntil: state.waitUntil } : null);
    return out;
  };
  return { state, hook };
}

async function setup(hook: EligibilityHook): Promise<EngineTest> {
  const t = await openEngineTest({ eligibility: hook });
  onTestFinished(() => t.dispose());
  return t;
}

describe('Executor with a marketing type’s hooks', () => {
  it('skips customers the type refuses (with its reason) and holds those it times later until their time', async () => {
    const type = fakeType();
    const t = await setup(type.hook);
    type.state.waitUntil = t.clock.now() + 2 * HOUR;
    await t.addCustomers(customers(30, (i) => ({ level: i <= 10 ? 1 : i <= 20 ? 3 : 5 })));
    const audience = await t.everyone();
    const runId = await t.fire({ name: 'Member day', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [notice] });
    await t.executor.drain();

    let run = await t.runs.get(runId);
    expect(run.state).toBe('waiting');
    expect(run.counts).toMatchObject({ total: 30, skipped: 10, sent: 10, waiting: 10 });
    expect(run.skippedBy).toEqual({ 'not-eligible': 10 });
    expect(await t.executor.failedItems(runId)).toEqual([]);

    t.clock.set(type.state.waitUntil);
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run.state).toBe('done');
    expect(run.counts).toMatchObject({ sent: 20, waiting: 0, skipped: 10 });
  });

  it('pauses a run, saying why, when the type’s plugin cannot answer; a resume after it recovers finishes it', async () => {
    const type = fakeType();
    const t = await setup(type.hook);
    type.state.mode = 'down';
    await t.addCustomers(customers(12, () => ({ level: 3 })));
    const audience = await t.everyone();
    const runId = await t.fire({ name: 'Member day', audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } }, actions: [notice] });
    await t.executor.drain();

    let run = await t.runs.get(runId);
    expect(run.state).toBe('paused');
    expect(run.lastError).toMatchObject({ code: 'PL_UNAVAILABLE' });
    expect(run.lastError?.message).toContain('it crashed');
    expect(run.counts.sent).toBe(0);

    type.state.mode = 'ok';
    await t.executor.resume(runId);
    await t.executor.drain();
    run = await t.runs.get(runId);
    expect(run.state).toBe('done');
    expect(run.lastError).toBeUndefined();
    expect(run.counts.sent).toBe(12);
  });

  it('pauses the open runs of a failed plugin’s plans and leaves other plans’ runs alone', async () => {
    const type = fakeType();
    const t = await setup(type.hook);
    await t.addCustomers(customers(5, () => ({ level: 3 })));
    const audience = await t.everyone();
    const base = { audienceId: audience.id, time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' as const } }, actions: [notice] };
    const ofPlugin = await t.fire({ ...base, name: 'Plugin type', marketingType: 'win-back', pluginId: 'com.example.type' });
    const other = await t.fire({ ...base, name: 'Other type' });

    const paused = await t.executor.pausePluginRuns('com.example.type', { code: 'PL_CRASHED', message: 'Plugin com.example.type crashed: boom' });
    expect(paused).toEqual([ofPlugin]);
    expect(await t.runs.get(ofPlugin)).toMatchObject({ state: 'paused', lastError: { code: 'PL_CRASHED' } });
    await t.executor.drain();
    expect((await t.runs.get(other)).state).toBe('done');
    expect((await t.runs.get(ofPlugin)).state).toBe('paused');
  });
});
