import { z } from 'zod';
import { CampaignError } from '../errors/campaign-error.ts';
import { DEFAULT_LOCALE, LOCALES, type Locale } from '../i18n/format.ts';
import { smsInfo, type SmsInfo } from './sms.ts';

/**
 * Message templates: a subject and a body per language, with `{{variable}}` placeholders and
 * `{{variable|default text}}` fallbacks. Values arrive already formatted (dates in the store's
 * zone, amounts with units): this module only substitutes, so it stays pure and the same
 * template renders the same text on every machine.
 */

/** The variables every sender can fill; callers may add their own (see `ValidateOptions`). */
export const TEMPLATE_VARIABLES = ['name', 'couponCode', 'expiry', 'store', 'points', 'rightName', 'planName'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Limits of the stored message (`main/db/schemas/messages.ts`): longer text cannot be recorded. */
export const MAX_SUBJECT_LENGTH = 200;
export const MAX_BODY_LENGTH = 10_000;

export type TemplateField = 'subject' | 'body';
const FIELD_ZH: Record<TemplateField, string> = { subject: '主题', body: '正文' };

export interface LocalizedText {
  subject?: string;
  body: string;
}

export interface MessageTemplate {
  id: string;
  name: string;
  /** The channel it is written for ('sms', 'email', …); email needs a subject. */
  channel?: string;
  locales: Partial<Record<Locale, LocalizedText>>;
}

const localizedTextSchema = z.strictObject({ subject: z.string().optional(), body: z.string() });

export const messageTemplateSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  channel: z.string().min(1).max(32).optional(),
  locales: z.strictObject({ 'zh-CN': localizedTextSchema.optional(), en: localizedTextSchema.optional() }),
});

/** A piece of a parsed text: literal text, or a placeholder with where it stands (1-based). */
export type TemplatePart =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'variable';
      readonly name: string;
      /** The text after `|`, trimmed; undefined without `|` (then a value is required). */
      readonly fallback: string | undefined;
      /** The placeholder as written, e.g. '{{ name | 顾客 }}'. */
      readonly raw: string;
      readonly line: number;
      readonly column: number;
      /** 0-based UTF-16 offset in the text, for editors to highlight. */
      readonly offset: number;
    };

/** Where a text belongs, for error messages. */
export interface TemplateLocation {
  template?: string;
  locale?: string;
  field?: TemplateField;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SNIPPET_MAX = 30;
const EXAMPLE = '{{name}}';
const EXAMPLE_DEFAULT = '{{name|…}}';

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function whereParams(where: TemplateLocation) {
  const field = where.field ?? 'body';
  return { template: where.template ?? '', locale: where.locale ?? '', field, fieldZh: FIELD_ZH[field] };
}

function snippet(text: string): string {
  return text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX)}…` : text;
}

function syntaxError(text: string, offset: number, found: string, where: TemplateLocation): CampaignError {
  return new CampaignError('TP_SYNTAX', {
    ...whereParams(where),
    ...lineColumn(text, offset),
    offset,
    snippet: snippet(found),
    example: EXAMPLE,
  });
}

/**
 * Splits a text into literal parts and placeholders. `{{ name }}` and `{{name|default}}` are
 * placeholders (one line each, names are letters, digits and `_`, not starting with a digit);
 * a single `{` or `}` is literal text. An unclosed `{{`, a stray `}}` or a bad name throws
 * TP_SYNTAX with the line and column, because such a typo would otherwise reach thousands of
 * customers verbatim.
 */
export function parseTemplate(text: string, where: TemplateLocation = {}): readonly TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    const close = text.indexOf('}}', i);
    if (close !== -1 && (open === -1 || close < open)) throw syntaxError(text, close, '}}', where);
    if (open === -1) {
      parts.push({ type: 'text', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ type: 'text', text: text.slice(i, open) });
    const end = text.indexOf('}}', open + 2);
    const lineEnd = text.indexOf('\n', open);
    const nested = text.indexOf('{{', open + 2);
    const limit = Math.min(...[end, lineEnd, nested].filter((n) => n !== -1), text.length);
    if (end === -1 || end !== limit) throw syntaxError(text, open, text.slice(open, limit), where);
    const raw = text.slice(open, end + 2);
    const inner = text.slice(open + 2, end);
    const bar = inner.indexOf('|');
    const name = (bar === -1 ? inner : inner.slice(0, bar)).trim();
    if (!NAME_RE.test(name)) throw syntaxError(text, open, raw, where);
    const fallback = bar === -1 ? undefined : inner.slice(bar + 1).trim();
    parts.push({ type: 'variable', name, fallback, raw, offset: open, ...lineColumn(text, open) });
    i = end + 2;
  }
  return parts;
}

/** Parsed texts by source text: the executor renders one template for thousands of customers. */
const parsedCache = new Map<string, readonly TemplatePart[]>();
const PARSED_CACHE_MAX = 256;

function parseCached(text: string, where: TemplateLocation): readonly TemplatePart[] {
  const hit = parsedCache.get(text);
  if (hit) return hit;
  const parts = parseTemplate(text, where);
  if (parsedCache.size >= PARSED_CACHE_MAX) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(text, parts);
  return parts;
}

/** The distinct variable names a text uses, in order of first use. */
export function templateVariables(parts: readonly TemplatePart[]): string[] {
  return [...new Set(parts.flatMap((p) => (p.type === 'variable' ? [p.name] : [])))];
}

export interface ValidateOptions {
  /** Variables beyond TEMPLATE_VARIABLES that the caller will fill (e.g. a plugin's). */
  variables?: readonly string[];
  /** Languages the template must have (e.g. every language the chain's customers use). */
  requiredLocales?: readonly Locale[];
  /** The channel it will be sent on, when not the template's own; 'email' needs a subject. */
  channel?: string;
}

function templateLabel(template: { id?: unknown; name?: unknown }): string {
  if (typeof template.name === 'string' && template.name) return template.name;
  return typeof template.id === 'string' ? template.id : '';
}

/**
 * Every problem of a template, for the editor to show at once (empty when it is fine):
 * TP_INVALID (shape), TP_NO_TEXT, TP_MISSING_LOCALE, TP_EMPTY_BODY, TP_MISSING_SUBJECT,
 * TP_SYNTAX (the first per field), TP_UNKNOWN_VARIABLE (once per variable and field) and
 * TP_TOO_LONG.
 */
export function validateTemplate(input: unknown, options: ValidateOptions = {}): CampaignError[] {
  const parsed = messageTemplateSchema.safeParse(input);
  if (!parsed.success) {
    const label = typeof input === 'object' && input !== null ? templateLabel(input) : '';
    return parsed.error.issues.map(
      (issue) => new CampaignError('TP_INVALID', { template: label, path: issue.path.join('.'), reason: issue.message }),
    );
  }
  const template = parsed.data;
  const label = templateLabel(template);
  const errors: CampaignError[] = [];
  const known = new Set<string>([...TEMPLATE_VARIABLES, ...(options.variables ?? [])]);
  const channel = options.channel ?? template.channel;
  const present = LOCALES.filter((l) => template.locales[l] !== undefined);
  if (present.length === 0) errors.push(new CampaignError('TP_NO_TEXT', { template: label }));
  for (const locale of options.requiredLocales ?? []) {
    if (template.locales[locale] === undefined) errors.push(new CampaignError('TP_MISSING_LOCALE', { template: label, locale }));
  }
  for (const locale of present) {
    const text = template.locales[locale] as LocalizedText;
    if (text.body.trim() === '') errors.push(new CampaignError('TP_EMPTY_BODY', { template: label, locale }));
    if (channel === 'email' && !text.subject?.trim()) {
      errors.push(new CampaignError('TP_MISSING_SUBJECT', { template: label, locale, channel }));
    }
    for (const field of ['subject', 'body'] as const) {
      const source = text[field];
      if (source === undefined) continue;
      const where = { template: label, locale, field };
      const max = field === 'subject' ? MAX_SUBJECT_LENGTH : MAX_BODY_LENGTH;
      if (source.length > max) {
        errors.push(new CampaignError('TP_TOO_LONG', { ...whereParams(where), length: source.length, max }));
      }
      let parts: readonly TemplatePart[];
      try {
        parts = parseTemplate(source, where);
      } catch (error) {
        if (error instanceof CampaignError) errors.push(error);
        else throw error;
        continue;
      }
      const reported = new Set<string>();
      for (const part of parts) {
        if (part.type !== 'variable' || known.has(part.name) || reported.has(part.name)) continue;
        reported.add(part.name);
        errors.push(
          new CampaignError('TP_UNKNOWN_VARIABLE', {
            ...whereParams(where),
            line: part.line,
            column: part.column,
            offset: part.offset,
            variable: part.name,
            known: [...known].join(', '),
          }),
        );
      }
    }
  }
  return errors;
}

/** Throws the first problem `validateTemplate` finds; returns the template, typed. */
export function assertValidTemplate(input: unknown, options: ValidateOptions = {}): MessageTemplate {
  const [first] = validateTemplate(input, options);
  if (first) throw first;
  return input as MessageTemplate;
}

/**
 * The template language for a customer's locale: 'zh', 'zh-CN', 'zh_Hans'… read as zh-CN,
 * 'en-US'… as en, anything else as the default (zh-CN). When the template lacks that language
 * the other one is used and `fallback` is true (a customer should get a message in some
 * language rather than none). Undefined when the template has no text at all.
 */
export function resolveTemplateLocale(
  template: Pick<MessageTemplate, 'locales'>,
  locale: string,
): { locale: Locale; fallback: boolean } | undefined {
  const lower = locale.toLowerCase();
  const wanted: Locale = lower.startsWith('zh') ? 'zh-CN' : lower.startsWith('en') ? 'en' : DEFAULT_LOCALE;
  const exact = lower.startsWith('zh') || lower.startsWith('en');
  if (template.locales[wanted] !== undefined) return { locale: wanted, fallback: !exact };
  const other = LOCALES.find((l) => l !== wanted && template.locales[l] !== undefined);
  return other === undefined ? undefined : { locale: other, fallback: true };
}

/** Values for placeholders, already formatted for the customer. null, undefined and '' are "no value". */
export type TemplateValues = Readonly<Record<string, string | number | null | undefined>>;

export interface RenderedMessage {
  templateId: string;
  /** The language actually used. */
  locale: Locale;
  /** True when the customer's language was missing and the other one was used. */
  fallback: boolean;
  /** '' when the template has no subject. One line: line breaks become spaces. */
  subject: string;
  body: string;
  /** The body as SMS: encoding, length, segments. */
  sms: SmsInfo;
}

export interface RenderOptions {
  maxSubjectLength?: number;
  maxBodyLength?: number;
}

function valueOf(values: TemplateValues, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

/** How each placeholder was filled, for previews to highlight. */
export type FilledPart =
  | { type: 'text'; text: string }
  | { type: 'value' | 'default' | 'missing'; name: string; text: string; line: number; column: number; offset: number };

function fill(parts: readonly TemplatePart[], values: TemplateValues): FilledPart[] {
  return parts.map((part): FilledPart => {
    if (part.type === 'text') return part;
    const at = { name: part.name, line: part.line, column: part.column, offset: part.offset };
    const value = valueOf(values, part.name);
    if (value !== undefined) return { type: 'value', text: value, ...at };
    if (part.fallback !== undefined) return { type: 'default', text: part.fallback, ...at };
    return { type: 'missing', text: part.raw, ...at };
  });
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

interface Rendering {
  locale: Locale;
  fallback: boolean;
  filled: Record<TemplateField, FilledPart[]>;
  errors: CampaignError[];
  subject: string;
  body: string;
}

function render(template: MessageTemplate, locale: string, values: TemplateValues, options: RenderOptions, stopEarly: boolean): Rendering {
  const label = templateLabel(template);
  const chosen = resolveTemplateLocale(template, locale);
  if (!chosen) throw new CampaignError('TP_NO_TEXT', { template: label });
  const text = template.locales[chosen.locale] as LocalizedText;
  const errors: CampaignError[] = [];
  const filled: Record<TemplateField, FilledPart[]> = { subject: [], body: [] };
  for (const field of ['subject', 'body'] as const) {
    const source = text[field] ?? '';
    const where = { template: label, locale: chosen.locale, field };
    let parts: readonly TemplatePart[];
    try {
      parts = parseCached(source, where);
    } catch (error) {
      if (stopEarly || !(error instanceof CampaignError)) throw error;
      errors.push(error);
      filled[field] = [{ type: 'text', text: source }];
      continue;
    }
    filled[field] = fill(parts, values);
    for (const part of filled[field]) {
      if (part.type !== 'missing') continue;
      const error = new CampaignError('TP_MISSING_VALUE', {
        ...whereParams(where),
        line: part.line,
        column: part.column,
        offset: part.offset,
        variable: part.name,
        example: EXAMPLE_DEFAULT.replace('name', part.name),
      });
      if (stopEarly) throw error;
      errors.push(error);
    }
  }
  const subject = oneLine(filled.subject.map((p) => p.text).join(''));
  const body = filled.body.map((p) => p.text).join('');
  const limits = { subject: options.maxSubjectLength ?? MAX_SUBJECT_LENGTH, body: options.maxBodyLength ?? MAX_BODY_LENGTH };
  for (const [field, value] of [['subject', subject], ['body', body]] as const) {
    if (value.length <= limits[field]) continue;
    const where = { template: label, locale: chosen.locale, field };
    const error = new CampaignError('TP_TOO_LONG', { ...whereParams(where), length: value.length, max: limits[field] });
    if (stopEarly) throw error;
    errors.push(error);
  }
  return { ...chosen, filled, errors, subject, body };
}

/**
 * The message for one customer in their language (or the other one, see
 * `resolveTemplateLocale`). Throws TP_NO_TEXT, TP_SYNTAX, TP_MISSING_VALUE (a placeholder
 * without value and without default: better no message than "Dear ," to a customer) or
 * TP_TOO_LONG (longer than a stored message may be).
 */
export function renderMessage(
  template: MessageTemplate,
  locale: string,
  values: TemplateValues,
  options: RenderOptions = {},
): RenderedMessage {
  const r = render(template, locale, values, options, true);
  return { templateId: template.id, locale: r.locale, fallback: r.fallback, subject: r.subject, body: r.body, sms: smsInfo(r.body) };
}

export interface MessagePreview extends RenderedMessage {
  /** False when `renderMessage` would throw the first of `errors`. */
  ok: boolean;
  errors: CampaignError[];
  /** Subject and body piece by piece: which text came from a value, a default, or is missing. */
  parts: Record<TemplateField, FilledPart[]>;
}

/**
 * The message one customer would get, for the editor's "preview per customer". Unlike
 * `renderMessage` it never throws for template problems: it shows what it can (a missing value
 * stays as its placeholder, a text with a syntax error as written) and lists every problem.
 */
export function previewMessage(
  template: MessageTemplate,
  locale: string,
  values: TemplateValues,
  options: RenderOptions = {},
): MessagePreview {
  let r: Rendering;
  try {
    r = render(template, locale, values, options, false);
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    const empty = { subject: [], body: [] };
    return { templateId: template.id, locale: DEFAULT_LOCALE, fallback: false, subject: '', body: '', sms: smsInfo(''), ok: false, errors: [error], parts: empty };
  }
  return {
    templateId: template.id,
    locale: r.locale,
    fallback: r.fallback,
    subject: r.subject,
    body: r.body,
    sms: smsInfo(r.body),
    ok: r.errors.length === 0,
    errors: r.errors,
    parts: r.filled,
  };
}

/**
 * The values a customer record provides by itself ('name', 'points'); the caller adds the
 * plan's (couponCode, expiry formatted in the store's zone, store, rightName, planName).
 */
export function customerTemplateValues(customer: { name: string; points?: number }): Record<string, string> {
  const values: Record<string, string> = { name: customer.name };
  if (customer.points !== undefined) values.points = String(customer.points);
  return values;
}
