import { CampaignError } from '../../core/errors/campaign-error.ts';
import type { Adjustment } from './throttle.ts';
import { ThrottleRegistry } from './throttle-registry.ts';
import { FakeTimer } from './timer.ts';

describe('ThrottleRegistry', () => {
  it('creates one throttle per downstream on first use, with the defaults', () => {
    const registry = new ThrottleRegistry(new FakeTimer(), { maxRate: 100 });
    const webhook = registry.get('channel:webhook');
    expect(registry.get('channel:webhook')).toBe(webhook);
    registry.get('channel:email');
    expect(registry.snapshots().map((s) => [s.name, s.maxRate, s.adaptive])).toEqual([
      ['channel:email', 100, true],
      ['channel:webhook', 100, true],
    ]);
  });

  it('configures a downstream before or after its first use; its settings override the defaults', () => {
    const registry = new ThrottleRegistry(new FakeTimer(), { maxRate: 100 });
    registry.configure('channel:sms', { maxRate: 20 });
    expect(registry.get('channel:sms').snapshot().maxRate).toBe(20);
    registry.get('rights:local');
    registry.configure('rights:local', { maxInFlight: 4 });
    expect(registry.get('rights:local').snapshot()).toMatchObject({ maxRate: 100, maxInFlight: 4 });

    // New defaults reach the fields not set per downstream, and throttles created later.
    registry.setDefaults({ maxRate: 300, adaptive: false });
    expect(registry.get('channel:sms').snapshot()).toMatchObject({ maxRate: 20, adaptive: false });
    expect(registry.get('rights:local').snapshot()).toMatchObject({ maxRate: 300, maxInFlight: 4, adaptive: false });
    expect(registry.get('channel:app').snapshot()).toMatchObject({ maxRate: 300, adaptive: false });
    expect(registry.getDefaults()).toEqual({ maxRate: 300, adaptive: false });
  });

  it('refuses invalid settings before changing anything', () => {
    const registry = new ThrottleRegistry(new FakeTimer(), { maxRate: 100 });
    registry.configure('channel:sms', { minRate: 50 });
    const codeOf = (f: () => void) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return e instanceof CampaignError ? e.code : 'other';
      }
    };
    expect(codeOf(() => new ThrottleRegistry(new FakeTimer(), { maxRate: 0 }))).toBe('TH_BAD_RATE');
    expect(codeOf(() => registry.configure('channel:email', { maxRate: -1 }))).toBe('TH_BAD_RATE');
    // Lowering the default maximum below a downstream's own minimum is refused as a whole.
    expect(codeOf(() => registry.setDefaults({ maxRate: 40 }))).toBe('TH_MIN_ABOVE_MAX');
    expect(registry.getDefaults().maxRate).toBe(100);
    expect(registry.get('channel:email').snapshot().maxRate).toBe(100);
    expect(registry.get('channel:sms').snapshot()).toMatchObject({ maxRate: 100, minRate: 50 });
  });

  it('reports the adjustments of every throttle, also of those created later', async () => {
    const timer = new FakeTimer();
    const registry = new ThrottleRegistry(timer, { maxRate: 100 });
    const seen: Adjustment[] = [];
    const stop = registry.onAdjust((a) => seen.push(a));
    registry.configure('channel:webhook', { maxRate: 50 });
    const permit = await registry.get('channel:email').acquire();
    permit.done({ kind: 'overload' });
    expect(seen.map((a) => [a.name, a.reason, a.from, a.to])).toEqual([
      ['channel:webhook', 'configured', 100, 50],
      ['channel:email', 'overload', 100, 90],
    ]);
    stop();
    registry.configure('channel:webhook', { maxRate: 60 });
    expect(seen).toHaveLength(2);
  });
});
