import { Throttle, validateThrottleSettings, type Adjustment, type ThrottleSettings, type ThrottleSnapshot } from './throttle.ts';
import type { Timer } from './timer.ts';

/**
 * The throttles of every downstream, by name (`channel:webhook`, `channel:email`,
 * `rights:local`, …), shared by all runs of the process: two runs that send through the same
 * gateway share its budget because they get the same throttle.
 *
 * A throttle is created on first use with the defaults. Settings given for one name
 * (`configure`) override the defaults field by field; `setDefaults` changes the defaults of
 * throttles created later and of the fields existing throttles did not override, so "the
 * default budget" in Settings applies everywhere it was not set per downstream.
 */
export class ThrottleRegistry {
  private readonly throttles = new Map<string, Throttle>();
  private readonly overrides = new Map<string, Partial<ThrottleSettings>>();
  private readonly listeners = new Set<(a: Adjustment) => void>();
  private defaults: ThrottleSettings;

  constructor(
    private readonly timer: Timer,
    defaults: ThrottleSettings,
  ) {
    validateThrottleSettings('defaults', defaults); // now, not at the first get()
    this.defaults = { ...defaults };
  }

  /** The throttle of `name`, created with the defaults (and its overrides) on first use. */
  get(name: string): Throttle {
    const existing = this.throttles.get(name);
    if (existing) return existing;
    const throttle = new Throttle(name, this.effective(name), this.timer);
    throttle.onAdjust((a) => {
      for (const listener of [...this.listeners]) listener(a);
    });
    this.throttles.set(name, throttle);
    return throttle;
  }

  /**
   * Changes the settings of one downstream live (creating its throttle if needed, so it shows
   * in `snapshots()` and listeners hear of the change); the fields
   * given override the defaults from now on. Throws CampaignError TH_* for invalid values,
   * changing nothing.
   */
  configure(name: string, settings: Partial<ThrottleSettings>): void {
    const override = { ...this.overrides.get(name), ...settings };
    validateThrottleSettings(name, { ...this.defaults, ...override });
    this.get(name).configure(settings);
    this.overrides.set(name, override);
  }

  /**
   * Changes the defaults: for throttles created later, and for the fields the existing ones
   * did not override (each such throttle reports a `configured` adjustment). Invalid values
   * throw CampaignError TH_* before anything changes.
   */
  setDefaults(settings: Partial<ThrottleSettings>): void {
    const next = { ...this.defaults, ...settings };
    validateThrottleSettings('defaults', next);
    for (const [name, override] of this.overrides) validateThrottleSettings(name, { ...next, ...override });
    this.defaults = next;
    for (const [name, throttle] of this.throttles) {
      const wanted = this.effective(name);
      if (!sameSettings(throttle.getSettings(), wanted)) throttle.configure({ minRate: undefined, maxInFlight: undefined, ...wanted });
    }
  }

  getDefaults(): ThrottleSettings {
    return { ...this.defaults };
  }

  /** Snapshots of every throttle, by name. */
  snapshots(): ThrottleSnapshot[] {
    return [...this.throttles.values()].map((t) => t.snapshot()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Calls `listener` on every adjustment of any throttle (also those created later); returns the function that stops it. */
  onAdjust(listener: (a: Adjustment) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private effective(name: string): ThrottleSettings {
    return { ...this.defaults, ...this.overrides.get(name) };
  }
}

function sameSettings(a: ThrottleSettings, b: ThrottleSettings): boolean {
  const inFlight = (s: ThrottleSettings) => s.maxInFlight ?? Number.POSITIVE_INFINITY;
  return a.maxRate === b.maxRate && a.minRate === b.minRate && (a.adaptive ?? true) === (b.adaptive ?? true) && inFlight(a) === inFlight(b);
}
