/**
 * The shapes the Runs screen and the engine settings page work with, taken from the service
 * API's own types (the renderer imports main only for types, through main/api).
 */
import type { OutputOf } from '../../../main/api/service-api.ts';

export type RunsFeed = OutputOf<'runs/watch-runs'>;
export type RunView = RunsFeed['runs'][number];
export type RunState = RunView['state'];
export type RunCounts = RunView['counts'];
export type ThrottleSnapshot = RunsFeed['throttles'][number];
export type Adjustment = RunsFeed['adjustments'][number];
export type RunDetail = OutputOf<'runs/get-run'>;
export type FailedItem = RunDetail['failed'][number];
export type Decision = OutputOf<'runs/list-decisions'>[number];
export type ChannelView = OutputOf<'engine/list-channels'>[number];
export type EngineSettings = OutputOf<'engine/get-settings'>;
