import { FakeTimer, realTimer } from './timer.ts';

describe('FakeTimer', () => {
  it('resolves due sleeps in order of due time, and only when advanced past them', async () => {
    const timer = new FakeTimer(1000);
    const woke: string[] = [];
    void timer.sleep(30).then(() => woke.push(`b@${timer.now()}`));
    void timer.sleep(10).then(() => woke.push(`a@${timer.now()}`));
    void timer.sleep(50).then(() => woke.push(`c@${timer.now()}`));
    await timer.advance(29);
    expect(woke).toEqual(['a@1010']);
    await timer.advance(100);
    expect(woke).toEqual(['a@1010', 'b@1030', 'c@1050']);
    expect(timer.now()).toBe(1129);
  });

  it('plays out chains of sleeps started by woken code within the same advance', async () => {
    const timer = new FakeTimer(0);
    const ticks: number[] = [];
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await timer.sleep(7);
        ticks.push(timer.now());
      }
    })();
    await timer.advance(30);
    expect(ticks).toEqual([7, 14, 21, 28]);
    expect(timer.sleeping).toBe(1);
  });

  it('rejects an aborted sleep with the reason and forgets it', async () => {
    const timer = new FakeTimer(0);
    const controller = new AbortController();
    const sleep = timer.sleep(100, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleep).rejects.toThrow('stop');
    expect(timer.sleeping).toBe(0);
    await expect(timer.sleep(1, controller.signal)).rejects.toThrow('stop');
  });
});

describe('realTimer', () => {
  it('tells epoch time and rejects an aborted sleep at once', async () => {
    expect(Math.abs(realTimer.now() - Date.now())).toBeLessThan(50);
    const controller = new AbortController();
    const sleep = realTimer.sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(sleep).rejects.toThrow('cancelled');
  });
});
