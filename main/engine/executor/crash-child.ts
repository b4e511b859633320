// Test support: the child process of the executor's crash test. `seed DIR N` writes N
// customers, a coupon and an immediate plan with a grant and an SMS via the outbox, and fires
// it; `run DIR` works the run to the end, printing the run's progress as it goes. The parent
// SIGKILLs a `run` in the middle and starts another.
import { customers, openEngineTest, ZONE } from './test-engine.ts';

const [mode, dir, count] = process.argv.slice(2);
if (!dir || (mode !== 'seed' && mode !== 'run')) {
  console.error('usage: crash-child seed|run DIR [N]');
  process.exit(2);
}

const t = await openEngineTest({ dir, settings: { quietHours: null, frequencyCap: null, chunkSize: 500 } });
if (mode === 'seed') {
  await t.addCustomers(customers(Number(count ?? 1000)));
  const audience = await t.everyone();
  const right = await t.couponRight();
  const runId = await t.fire({
    name: 'Crash test',
    audienceId: audience.id,
    time: { timeZone: ZONE, effective: {}, execution: { mode: 'immediate' } },
    actions: [
      { id: 'coupon', type: 'grant', subject: { type: 'right', id: right.id } },
      { id: 'sms', type: 'message', channel: 'sms', via: 'outbox', template: { 'zh-CN': { body: '{{name}}，券码 {{couponCode}}' } } },
    ],
  });
  console.log(`run ${runId}`);
} else {
  const [run] = await t.runs.list({ limit: 1 });
  if (!run) throw new Error('no run to work on');
  const timer = setInterval(() => {
    void t.runs.get(run.id).then((r) => console.log(`progress ${r.counts.done} ${r.state}`));
  }, 200);
  await t.executor.drain();
  clearInterval(timer);
  const done = await t.runs.get(run.id);
  console.log(`finished ${done.state} ${JSON.stringify(done.counts)}`);
}
await t.close();
