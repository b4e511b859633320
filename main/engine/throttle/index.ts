/**
 * Rate budgets of the downstreams (gateways, SMTP, the rights ledger) for the campaign
 * executor: smooth spacing, FIFO across runs, adaptive to 429/5xx/timeouts, Retry-After,
 * live settings. See throttle.ts for the algorithm.
 */
export {
  Throttle,
  AIMD,
  validateThrottleSettings,
  type ThrottleSettings,
  type ThrottleSnapshot,
  type Permit,
  type Feedback,
  type Adjustment,
  type AdjustReason,
} from './throttle.ts';
export { ThrottleRegistry } from './throttle-registry.ts';
export { realTimer, FakeTimer, type Timer } from './timer.ts';
