import { inject, type InjectionKey } from 'vue';
import type { EditorState, StepName } from '../plan-editor-state.ts';
import type { ChannelView, EngineSettings, MarketingType } from '../types.ts';

/** What the plan editor shares with its steps (provided by PlanEditor.vue). */
export interface EditorContext {
  /** Reactive: the steps edit it in place. */
  state: EditorState;
  /** The store's zone and today's date there ('YYYY-MM-DD'). */
  zone: string;
  today: string;
  /** Failures from the service, per step (shown at the top of the step). */
  errors: Record<StepName, string>;
  types: MarketingType[];
  channels: ChannelView[];
  settings: EngineSettings | null;
  /** The audience as last saved (see `audienceKey`); null when it is new. */
  audienceBaseline: string | null;
}

export const EDITOR_CONTEXT: InjectionKey<EditorContext> = Symbol('plan-editor');

export function useEditor(): EditorContext {
  const context = inject(EDITOR_CONTEXT);
  if (!context) throw new Error('plan editor steps are used inside PlanEditor only');
  return context;
}
