import { describe, expect, it } from 'vitest';
import { CampaignError } from '../errors/campaign-error.ts';
import { formatError } from '../i18n/format.ts';
import { PLAN_STATUSES } from './plan.ts';
import { nextPlanStatus, type PlanCommand } from './plan-status.ts';

const COMMANDS: PlanCommand[] = ['activate', 'pause', 'resume', 'cancel', 'edit', 'fired', 'exhausted', 'request-approval', 'approve', 'reject'];

function refusal(status: (typeof PLAN_STATUSES)[number], command: PlanCommand): CampaignError | null {
  try {
    nextPlanStatus('p1', status, command);
    return null;
  } catch (error) {
    if (error instanceof CampaignError) return error;
    throw error;
  }
}

describe('nextPlanStatus refusals', () => {
  it('pass status and action as keys, worded in both locales without English in the Chinese', () => {
    let refused = 0;
    for (const status of PLAN_STATUSES) {
      for (const command of COMMANDS) {
        const error = refusal(status, command);
        if (!error) continue;
        refused++;
        expect(error.code).toBe('EN_PLAN_STATE');
        expect(error.params).toEqual({ id: 'p1', status, action: command });
        expect(error.localized('zh-CN'), `${status} ${command}`).toMatch(/^计划 p1 当前为[^A-Za-z]+，现在不能[^A-Za-z]+。$/);
        expect(error.message, `${status} ${command}`).toMatch(/^Plan p1 is [a-z ]+: it cannot [a-z ]+ now\.$/);
      }
    }
    expect(refused).toBeGreaterThan(20);
  });

  it('words pausing a draft', () => {
    const error = refusal('draft', 'pause')!;
    expect(error.message).toBe('Plan p1 is a draft: it cannot be paused now.');
    expect(error.localized('zh-CN')).toBe('计划 p1 当前为草稿，现在不能暂停。');
  });
});

describe('EN_PLAN_STATE and EN_RUN_STATE of the engine', () => {
  it('word "run now" and the run actions in both locales', () => {
    expect(formatError('en', 'EN_PLAN_STATE', { id: 'p1', status: 'cancelled', action: 'run-now' })).toBe('Plan p1 is cancelled: it cannot be run now.');
    expect(formatError('zh-CN', 'EN_PLAN_STATE', { id: 'p1', status: 'cancelled', action: 'run-now' })).toBe('计划 p1 当前为已取消，现在不能立即执行。');
    expect(formatError('en', 'EN_RUN_STATE', { id: 'r1', state: 'done', action: 'cancel' })).toBe('Run r1 is done: it cannot be cancelled now.');
    expect(formatError('zh-CN', 'EN_RUN_STATE', { id: 'r1', state: 'done', action: 'cancel' })).toBe('执行 r1 当前为已完成，现在不能取消。');
    expect(formatError('zh-CN', 'EN_RUN_STATE', { id: 'r1', state: 'cancelled', action: 'retry' })).toBe('执行 r1 当前为已取消，现在不能重试失败项。');
    expect(formatError('zh-CN', 'EN_RUN_STATE', { id: 'r1', state: 'stopping', action: 'continue' })).toBe('执行 r1 当前为正在停止，现在不能继续执行。');
  });
});
