import { z } from 'zod';
import { CampaignError, type SerializedError } from '../core/errors/campaign-error.ts';
import {
  assertTimeZone,
  compile,
  describe,
  expressionToForm,
  formatExpression,
  formToExpression,
  nextExecutions,
  nextWindow,
  type CompiledPeriod,
  type PeriodForm,
  type PeriodKind,
  type PeriodTypeCode,
} from '../core/period/index.ts';
import { formatInstant, parseInstant } from '../core/time/index.ts';
import type { ApiContext } from './context.ts';
import { defineQuery } from './define.ts';

/** A window of a period as ISO 8601 text in the asked zone; `end` is exclusive. */
export interface PeriodWindowText {
  start: string;
  end: string;
}

/** What the timing editor shows for a valid expression. Instants are ISO 8601 in the asked zone. */
export interface PeriodInspectionOk {
  ok: true;
  /** Canonical text. */
  expression: string;
  typeCode: PeriodTypeCode;
  kind: PeriodKind;
  description: { 'zh-CN': string; en: string };
  /** The structured form (mode `expression` when no structured mode can say it). */
  form: PeriodForm;
  /** The next execution instants (for window types: the openings of its occurrences). */
  nextExecutions: string[];
  /** The next windows (window types only; empty for point in time). */
  nextWindows: PeriodWindowText[];
}

/** An invalid expression or form: the error as it would cross the wire, so typing never throws. */
export interface PeriodInspectionError {
  ok: false;
  error: SerializedError;
}

export type PeriodInspection = PeriodInspectionOk | PeriodInspectionError;

const common = {
  /** The store's IANA zone; an unknown zone is refused with PE_BAD_TIME_ZONE. */
  timeZone: z.string().min(1).max(100),
  /** ISO 8601 (read in `timeZone` when it has no offset); default now. */
  from: z.string().min(1).max(40).optional(),
  count: z.number().int().min(1).max(50).default(5),
};

const inspectInput = z.object({ expression: z.string().max(500), ...common });

// The form is checked by formToExpression, which names the bad path (PE_FORM_INVALID).
const formInput = z.object({
  form: z.custom<PeriodForm>((v) => typeof v === 'object' && v !== null && typeof (v as { mode?: unknown }).mode === 'string', {
    message: 'form must be an object with a mode',
  }),
  ...common,
});

/** Zone and start instant are the caller's inputs: a bad one throws rather than answering ok: false. */
function startOf(input: { timeZone: string; from?: string | undefined }, ctx: ApiContext): number {
  assertTimeZone(input.timeZone);
  return input.from === undefined ? ctx.services.clock.now() : parseInstant(input.from, input.timeZone);
}

function windowsFrom(period: CompiledPeriod, from: number, timeZone: string, count: number): PeriodWindowText[] {
  const out: PeriodWindowText[] = [];
  let at = from;
  while (out.length < count) {
    const w = nextWindow(period, at, timeZone);
    if (!w) break;
    out.push({ start: formatInstant(w.start, timeZone), end: formatInstant(w.end, timeZone) });
    if (w.end <= at) break;
    at = w.end;
  }
  return out;
}

function inspect(text: string, from: number, timeZone: string, count: number): PeriodInspectionOk {
  const period = compile(text);
  const value = period.expression;
  return {
    ok: true,
    expression: formatExpression(value),
    typeCode: value.code,
    kind: value.kind,
    description: { 'zh-CN': describe(value, 'zh-CN'), en: describe(value, 'en') },
    form: expressionToForm(value),
    nextExecutions: nextExecutions(period, from, timeZone, count).map((t) => formatInstant(t, timeZone)),
    nextWindows: value.kind === 'point' ? [] : windowsFrom(period, from, timeZone, count),
  };
}

/** Expected failures (PE_*) become `{ ok: false }`; anything else is a real error. */
function answer(run: () => PeriodInspectionOk): PeriodInspection {
  try {
    return run();
  } catch (error) {
    if (error instanceof CampaignError) return { ok: false, error: error.toJSON() };
    throw error;
  }
}

export const periodMethods = [
  /** Parses an expression and says what it means: canonical text, description, form, next runs and windows. */
  defineQuery('period/inspect-expression', inspectInput, ({ expression, count, ...rest }, ctx): PeriodInspection => {
    const from = startOf(rest, ctx);
    return answer(() => inspect(expression, from, rest.timeZone, count));
  }),
  /** The expression for a timing editor form, with the same inspection. */
  defineQuery('period/form-to-expression', formInput, ({ form, count, ...rest }, ctx): PeriodInspection => {
    const from = startOf(rest, ctx);
    return answer(() => inspect(formToExpression(form), from, rest.timeZone, count));
  }),
] as const;
