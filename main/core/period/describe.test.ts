import { describe as group, expect, it } from 'vitest';
import { describe } from './describe.ts';

const both = (expression: string) => [describe(expression, 'zh-CN'), describe(expression, 'en')];

group('describe', () => {
  it('says the seed examples the way the article does', () => {
    expect(both('* * * * * 1,3 * 32')).toEqual(['每周一、周三', 'every Monday and Wednesday']);
    expect(both('* 20-30 8-20 * * ? 31')).toEqual(['每天 08:20–20:30', 'every day, 08:20–20:30']);
    expect(both('0-0 0-0 0-0 24-25 4-4 * 2019-2019 2')).toEqual(['2019-04-24 至 2019-04-25', 'from 2019-04-24 to 2019-04-25']);
  });

  it('describes point-in-time expressions', () => {
    expect(both('0 0 9 * * 1,3')).toEqual(['每周一、周三 09:00', 'every Monday and Wednesday at 09:00']);
    expect(both('0 0 9 L * *')).toEqual(['每月最后一天 09:00', 'every month on the last day at 09:00']);
    expect(both('0 30 9,18 * * *')).toEqual(['每天 09:30、18:30', 'every day at 09:30 and 18:30']);
    expect(both('0 0 9 ? * 2#2 * 1')).toEqual(['每月第二个周二 09:00', 'the second Tuesday of the month at 09:00']);
    expect(both('0 * * * * *')).toEqual(['每天 每分钟', 'every day, every minute']);
    expect(describe('0 */15 9-17 * * 1-5', 'en')).toBe('every Monday to Friday, second 0 of minute 0,15,30,45 of hour 9-17');
    expect(describe('0 0 9 1 * 1 * 1', 'zh-CN')).toBe('每月1日或每周一 09:00');
  });

  it('describes daily windows with a day filter and past midnight', () => {
    expect(both('* 0-30 9-17 * * 1-5 * 31')).toEqual(['每周一至周五 09:00–17:30', 'every Monday to Friday, 09:00–17:30']);
    expect(both('* * 22-5 * * ? * 31')).toEqual(['每天 22:00–次日05:59', 'every day, 22:00–05:59 the next day']);
    expect(both('0-0 0-0 8-0 * * ? * 31')).toEqual(['每天 08:00–24:00', 'every day, 08:00–24:00']);
    expect(both('* * * * 1,2 ? * 31')).toEqual(['1月、2月每天', 'every day in January and February']);
  });

  it('describes weekly, monthly and yearly windows', () => {
    expect(both('* 0-30 9-17 * * 1,3 * 32')).toEqual(['每周一、周三 09:00–17:30', 'every Monday and Wednesday, 09:00–17:30']);
    expect(both('* * 18-22 * * 5-0 * 32')).toEqual(['每周五 18:00 至周日 22:59', 'every Friday 18:00 to Sunday 22:59']);
    expect(both('* * * * * 1-5 * 32')).toEqual(['每周一至周五', 'every Monday to Friday']);
    expect(both('* * * 1,15,L * * * 33')).toEqual(['每月1日、15日、最后一天', 'every month on day 1, day 15 and the last day']);
    expect(both('* * * 25-5 * * * 33')).toEqual(['每月25日至次月5日', 'every month on day 25 to day 5 of the next month']);
    expect(both('* * * 1-7 10 * * 34')).toEqual(['每年10月1日至10月7日', 'every year from October 1 to October 7']);
    expect(both('* * * 14 2 * * 34')).toEqual(['每年2月14日', 'every year on February 14']);
    expect(both('* * * 14 2 * 2026-2028 34')).toEqual(['2026至2028年每年2月14日', 'every year on February 14 in 2026 to 2028']);
  });

  it('describes fixed periods with times', () => {
    expect(both('0-59 0-30 8-18 24-25 4 * 2019 2')).toEqual([
      '2019-04-24 08:00 至 2019-04-25 18:30',
      'from 2019-04-24 08:00 to 2019-04-25 18:30',
    ]);
    expect(both('0-0 0-0 0-0 1-1 5-5 * 2026-2026 2')).toEqual(['2026-05-01', 'on 2026-05-01']);
  });
});
