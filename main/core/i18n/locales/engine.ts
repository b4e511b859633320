import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the EN error codes (plans, scheduler, executor) and the labels of plan
 * statuses, run states, item outcomes and scheduler decisions, shared by the UI and the CLI.
 */
export const engineMessages = defineMessages({
  en: {
    errors: {
      EN_PLAN_INVALID: 'The plan is invalid at "{path}": {reason}',
      EN_PLAN_STATE: 'Plan {id} is {status}: it cannot {action} now.',
      EN_PLAN_CONFLICT: 'Plan {id} was changed by someone else (you edited version {expected}, it is now version {actual}). Reload it and apply your change again.',
      EN_RUN_STATE: 'Run {id} is {state}: it cannot {action} now.',
      EN_AUDIENCE_UNAVAILABLE: 'The audience {id} of plan {planId} cannot be used: {reason}',
      EN_CHANNEL_UNKNOWN: 'No delivery channel "{via}" is configured (action {actionId}). Add it in Settings > Channels or pick another.',
      EN_NO_ADDRESS: 'Customer {customerId} has no {channel} address.',
      EN_ITEM_FAILED: 'Item {customerId} of run {runId} failed: {reason}',
    },
    engine: {
      planStatus: { draft: 'Draft', 'pending-approval': 'Pending approval', scheduled: 'Scheduled', active: 'Active', paused: 'Paused', completed: 'Completed', cancelled: 'Cancelled' },
      runState: { pending: 'Pending', splitting: 'Splitting', running: 'Running', waiting: 'Waiting', paused: 'Paused', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
      itemState: { pending: 'Pending', done: 'Done', skipped: 'Skipped', failed: 'Failed', retry: 'Retrying', waiting: 'Waiting' },
      reason: {
        consent: 'Opted out of the channel',
        'no-address': 'No address for the channel',
        'frequency-cap': 'Frequency cap reached',
        'quiet-hours': 'Quiet hours (waits for the window)',
        scheduled: "Waits for the customer's own time (marketing type)",
        'not-eligible': 'Not eligible (marketing type)',
        'out-of-stock': 'Out of stock',
        'customer-cap': 'Per-customer cap reached',
        'not-found': 'Customer no longer exists',
        'rights-error': 'Rights could not be granted',
        'send-error': 'Message could not be sent',
        cancelled: 'Run cancelled',
        holdout: 'Control group (holdout)',
        'risk-value': 'Risk limit: rights value per customer per day',
        'risk-messages': 'Risk limit: messages per customer per week',
      },
      decision: {
        fired: 'Fired on time',
        'misfire-fire-once': 'Missed {missed} fire time(s) while closed; fired once now',
        'misfire-skip': 'Missed {missed} fire time(s) while closed; skipped as the plan says',
        duplicate: 'Occurrence already ran; not fired again',
        exhausted: 'No fire time left; plan completed',
      },
      trigger: { schedule: 'Scheduled', 'catch-up': 'Catch-up', manual: 'Run now' },
    },
  },
  'zh-CN': {
    errors: {
      EN_PLAN_INVALID: '计划在“{path}”处无效：{reason}',
      EN_PLAN_STATE: '计划 {id} 当前为 {status}，现在不能执行 {action}。',
      EN_PLAN_CONFLICT: '计划 {id} 已被他人修改（你编辑的是版本 {expected}，现在是版本 {actual}）。请重新加载后再修改。',
      EN_RUN_STATE: '执行 {id} 当前为 {state}，现在不能执行 {action}。',
      EN_AUDIENCE_UNAVAILABLE: '计划 {planId} 的人群 {id} 无法使用：{reason}',
      EN_CHANNEL_UNKNOWN: '未配置发送通道“{via}”（动作 {actionId}）。请在 设置 > 通道 中添加，或选择其他通道。',
      EN_NO_ADDRESS: '客户 {customerId} 没有 {channel} 地址。',
      EN_ITEM_FAILED: '执行 {runId} 中客户 {customerId} 的任务失败：{reason}',
    },
    engine: {
      planStatus: { draft: '草稿', 'pending-approval': '待审批', scheduled: '已排期', active: '进行中', paused: '已暂停', completed: '已完成', cancelled: '已取消' },
      runState: { pending: '等待中', splitting: '拆分中', running: '执行中', waiting: '等待时间窗', paused: '已暂停', done: '已完成', failed: '失败', cancelled: '已取消' },
      itemState: { pending: '待处理', done: '完成', skipped: '跳过', failed: '失败', retry: '重试中', waiting: '等待中' },
      reason: {
        consent: '客户已退订该渠道',
        'no-address': '该渠道没有联系方式',
        'frequency-cap': '已达触达频次上限',
        'quiet-hours': '免打扰时段（等待时间窗）',
        'not-eligible': '不符合营销类型条件',
        scheduled: '等待该顾客的执行时间（营销类型）',
        'out-of-stock': '库存不足',
        'customer-cap': '已达每客上限',
        'not-found': '客户已不存在',
        'rights-error': '权益发放失败',
        'send-error': '消息发送失败',
        cancelled: '执行已取消',
        holdout: '对照组（不触达）',
        'risk-value': '风控上限：每客每日权益价值',
        'risk-messages': '风控上限：每客每周消息数',
      },
      decision: {
        fired: '按时触发',
        'misfire-fire-once': '关闭期间错过 {missed} 次触发；现已补发一次',
        'misfire-skip': '关闭期间错过 {missed} 次触发；按计划设置跳过',
        duplicate: '该期次已执行，不再重复触发',
        exhausted: '没有后续触发时间，计划已完成',
      },
      trigger: { schedule: '定时', 'catch-up': '补发', manual: '立即执行' },
    },
  },
});
