import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import {
  assertValidTemplate,
  customerTemplateValues,
  parseTemplate,
  previewMessage,
  renderMessage,
  resolveTemplateLocale,
  templateVariables,
  validateTemplate,
  type MessageTemplate,
} from './template.ts';

const birthday: MessageTemplate = {
  id: 'tpl-birthday',
  name: 'Birthday coupon',
  channel: 'sms',
  locales: {
    'zh-CN': { body: '{{name|尊敬的会员}}，生日快乐！{{store}}送您优惠券 {{couponCode}}，{{expiry}} 前有效。' },
    en: { subject: 'Happy birthday, {{name}}', body: 'Happy birthday {{ name | dear member }}! Coupon {{couponCode}} from {{store}}, valid until {{expiry}}.' },
  },
};

const values = { name: '王小明', couponCode: 'ABCD-EFGH-JKLM-NPQR', expiry: '2026-03-31', store: '静安店' };

function thrown(fn: () => unknown): CampaignError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
  throw new Error('expected a CampaignError');
}

describe('parseTemplate', () => {
  it('splits text and placeholders, with defaults and positions', () => {
    const parts = parseTemplate('Hi {{name}},\nyou have {{ points | 0 }} points');
    expect(parts).toEqual([
      { type: 'text', text: 'Hi ' },
      { type: 'variable', name: 'name', fallback: undefined, raw: '{{name}}', line: 1, column: 4, offset: 3 },
      { type: 'text', text: ',\nyou have ' },
      { type: 'variable', name: 'points', fallback: '0', raw: '{{ points | 0 }}', line: 2, column: 10, offset: 22 },
      { type: 'text', text: ' points' },
    ]);
    expect(templateVariables(parts)).toEqual(['name', 'points']);
  });

  it('keeps single braces as text and accepts an empty default', () => {
    expect(parseTemplate('{a} } {')).toEqual([{ type: 'text', text: '{a} } {' }]);
    expect(parseTemplate('{{name|}}')[0]).toMatchObject({ name: 'name', fallback: '' });
  });

  it.each([
    ['unclosed', 'Hello {{name, see you', 1, 7, '{{name, see you'],
    ['closed on the next line only', 'Hello {{name\n}}', 1, 7, '{{name'],
    ['nested', 'A {{name {{store}}', 1, 3, '{{name '],
    ['stray closing', 'Hello name}}!', 1, 11, '}}'],
    ['bad name', '第一行\n您好 {{顾客}}', 2, 4, '{{顾客}}'],
    ['empty name', 'x {{ |default}}', 1, 3, '{{ |default}}'],
    ['triple braces', '{{{name}}}', 1, 1, '{{{name}}'],
  ])('reports %s with line and column', (_what, text, line, column, snippet) => {
    const error = thrown(() => parseTemplate(text, { template: 'T', locale: 'zh-CN', field: 'body' }));
    expect(error.code).toBe('TP_SYNTAX');
    expect(error.params).toMatchObject({ template: 'T', locale: 'zh-CN', field: 'body', line, column, snippet });
    expect(error.message).toContain(`line ${line} column ${column}`);
    expect(error.localized('zh-CN')).toContain(`第 ${line} 行第 ${column} 列`);
    expect(error.localized('zh-CN')).toContain('正文');
  });
});

describe('validateTemplate', () => {
  it('accepts a good template', () => {
    expect(validateTemplate(birthday)).toEqual([]);
    expect(assertValidTemplate(birthday)).toBe(birthday);
  });

  it('reports unknown variables once per field, with where, and accepts the caller’s extra ones', () => {
    const t: MessageTemplate = { id: 't', name: 'Promo', locales: { en: { body: 'Hi {{nmae}} {{nmae}}\nvisit {{shop}} {{level}}' } } };
    const errors = validateTemplate(t, { variables: ['level'] });
    expect(errors.map((e) => [e.code, e.params.variable, e.params.line, e.params.column])).toEqual([
      ['TP_UNKNOWN_VARIABLE', 'nmae', 1, 4],
      ['TP_UNKNOWN_VARIABLE', 'shop', 2, 7],
    ]);
    expect(errors[0]?.message).toBe(
      'Template "Promo", en body, line 1 column 4: unknown variable "nmae". Known variables: name, couponCode, expiry, store, points, rightName, planName, level.',
    );
  });

  it('reports every kind of problem', () => {
    const t = { id: 't', name: 'Mail', channel: 'email', locales: { 'zh-CN': { body: '  ' }, en: { subject: 'Hi {{name', body: 'x' } } };
    const codes = validateTemplate(t, { requiredLocales: ['zh-CN', 'en'] }).map((e) => `${e.code}:${String(e.params.locale)}`);
    expect(codes).toEqual(['TP_EMPTY_BODY:zh-CN', 'TP_MISSING_SUBJECT:zh-CN', 'TP_SYNTAX:en']);
    expect(validateTemplate({ id: 't', name: 'N', locales: {} }).map((e) => e.code)).toEqual(['TP_NO_TEXT']);
    expect(validateTemplate({ id: 't', name: 'N', locales: { en: { body: 'x' } } }, { requiredLocales: ['zh-CN'] })[0]?.code).toBe(
      'TP_MISSING_LOCALE',
    );
    expect(validateTemplate({ id: 't', name: 'N', locales: { en: { body: 'x'.repeat(10_001) } } })[0]).toMatchObject({
      code: 'TP_TOO_LONG',
      params: { field: 'body', length: 10_001, max: 10_000 },
    });
  });

  it('reports a malformed template as TP_INVALID with the path', () => {
    const errors = validateTemplate({ id: 't', name: 'N', locales: { fr: { body: 'x' }, en: { body: 3 } } });
    expect(errors.every((e) => e.code === 'TP_INVALID')).toBe(true);
    expect(errors.map((e) => e.params.path).sort()).toEqual(['locales', 'locales.en.body']);
    expect(thrown(() => assertValidTemplate(null)).code).toBe('TP_INVALID');
  });
});

describe('renderMessage', () => {
  it('renders in the customer’s language', () => {
    const zh = renderMessage(birthday, 'zh-CN', values);
    expect(zh).toMatchObject({ templateId: 'tpl-birthday', locale: 'zh-CN', fallback: false, subject: '' });
    expect(zh.body).toBe('王小明，生日快乐！静安店送您优惠券 ABCD-EFGH-JKLM-NPQR，2026-03-31 前有效。');
    expect(zh.sms).toMatchObject({ encoding: 'ucs2', segments: 1 });
    const en = renderMessage(birthday, 'en-US', { ...values, name: 'Amy' });
    expect(en.subject).toBe('Happy birthday, Amy');
    expect(en.body).toBe('Happy birthday Amy! Coupon ABCD-EFGH-JKLM-NPQR from 静安店, valid until 2026-03-31.');
  });

  it('uses defaults for missing, null and empty values', () => {
    for (const name of [undefined, null, '']) {
      expect(renderMessage(birthday, 'zh-CN', { ...values, name }).body).toMatch(/^尊敬的会员，/);
    }
  });

  it('falls back to the other language', () => {
    const zhOnly: MessageTemplate = { ...birthday, locales: { 'zh-CN': birthday.locales['zh-CN'] } };
    expect(renderMessage(zhOnly, 'en', values)).toMatchObject({ locale: 'zh-CN', fallback: true });
    const enOnly: MessageTemplate = { ...birthday, locales: { en: birthday.locales.en } };
    expect(renderMessage(enOnly, 'zh-CN', values)).toMatchObject({ locale: 'en', fallback: true });
    expect(resolveTemplateLocale(birthday, 'zh_Hans')).toEqual({ locale: 'zh-CN', fallback: false });
    expect(resolveTemplateLocale(birthday, 'ja-JP')).toEqual({ locale: 'zh-CN', fallback: true });
    expect(thrown(() => renderMessage({ ...birthday, locales: {} }, 'en', values)).code).toBe('TP_NO_TEXT');
  });

  it('refuses a placeholder without value and default, saying where and how to fix it', () => {
    const error = thrown(() => renderMessage(birthday, 'zh-CN', { ...values, couponCode: undefined }));
    expect(error.code).toBe('TP_MISSING_VALUE');
    expect(error.params).toMatchObject({ locale: 'zh-CN', field: 'body', variable: 'couponCode', line: 1, column: 36 });
    expect(error.message).toContain('{{couponCode|…}}');
  });

  it('keeps the subject on one line and inserts values verbatim', () => {
    const t: MessageTemplate = { id: 't', name: 'N', locales: { en: { subject: 'Hi\n{{name}}', body: '{{name}} {{points}}' } } };
    const r = renderMessage(t, 'en', { name: 'A\r\nBcc: x@y {{store}}', points: 1200 });
    expect(r.subject).toBe('Hi A Bcc: x@y {{store}}');
    expect(r.body).toBe('A\r\nBcc: x@y {{store}} 1200');
  });

  it('refuses a rendering longer than a stored message may be', () => {
    const t: MessageTemplate = { id: 't', name: 'N', locales: { en: { body: '{{name}}' } } };
    expect(thrown(() => renderMessage(t, 'en', { name: 'x'.repeat(10_001) })).params).toMatchObject({ field: 'body', max: 10_000 });
    expect(thrown(() => renderMessage(t, 'en', { name: 'x'.repeat(71) }, { maxBodyLength: 70 })).code).toBe('TP_TOO_LONG');
  });

  it('counts SMS segments of the rendering', () => {
    const t: MessageTemplate = { id: 't', name: 'N', locales: { en: { body: '{{name}}' } } };
    expect(renderMessage(t, 'en', { name: 'a'.repeat(161) }).sms).toMatchObject({ encoding: 'gsm7', segments: 2 });
  });
});

describe('previewMessage', () => {
  it('shows which text came from values, defaults, or is missing, and lists the problems', () => {
    const p = previewMessage(birthday, 'zh-CN', { ...customerTemplateValues({ name: '', points: 5 }), store: '静安店' });
    expect(p.ok).toBe(false);
    expect(p.body).toBe('尊敬的会员，生日快乐！静安店送您优惠券 {{couponCode}}，{{expiry}} 前有效。');
    expect(p.errors.map((e) => e.params.variable)).toEqual(['couponCode', 'expiry']);
    expect(p.parts.body.filter((x) => x.type !== 'text').map((x) => x.type)).toEqual(['default', 'value', 'missing', 'missing']);
  });

  it('is ok when renderMessage would succeed, and never throws for template problems', () => {
    expect(previewMessage(birthday, 'en', values)).toMatchObject({ ok: true, errors: [], locale: 'en' });
    const broken: MessageTemplate = { id: 't', name: 'N', locales: { en: { body: 'Hi {{name' } } };
    const p = previewMessage(broken, 'en', values);
    expect(p).toMatchObject({ ok: false, body: 'Hi {{name' });
    expect(p.errors[0]?.code).toBe('TP_SYNTAX');
    expect(previewMessage({ ...broken, locales: {} }, 'en', values).errors[0]?.code).toBe('TP_NO_TEXT');
  });

  it('gives JSON-safe errors for the API', () => {
    const p = previewMessage(birthday, 'zh-CN', {});
    expect(JSON.parse(JSON.stringify(p.errors[0]))).toMatchObject({ $isError: true, code: 'TP_MISSING_VALUE' });
  });
});
