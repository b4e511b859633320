import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the EN error codes (plans, scheduler, executor) and the labels of plan
 * statuses, run states, item outcomes and scheduler decisions, shared by the UI and the CLI.
 * `errorParams` holds the words of params that are keys (EN_PLAN_STATE's `status` and `action`,
 * EN_RUN_STATE's `state` and `action`): throwers pass the key, `formatError` and the renderer
 * show the locale's phrase.
 */
/** Plan statuses and run states in Chinese: the labels, and the same words inside EN_PLAN_STATE / EN_RUN_STATE. */
const PLAN_STATUS_ZH = { draft: '草稿', 'pending-approval': '待审批', scheduled: '已排期', active: '进行中', paused: '已暂停', completed: '已完成', cancelled: '已取消' };
const RUN_STATE_ZH = { pending: '等待中', splitting: '拆分中', running: '执行中', waiting: '等待时间窗', paused: '已暂停', done: '已完成', failed: '失败', cancelled: '已取消' };

export const engineMessages = defineMessages({
  en: {
    errors: {
      EN_PLAN_INVALID: 'The plan is invalid at "{path}": {reason}',
      EN_PLAN_STATE: 'Plan {id} is {status}: it cannot {action} now.',
      EN_HQ_PLAN_READ_ONLY: 'Plan {id} is HQ\'s: only HQ changes it. This store may set only its own {fields} (Plan › This store\'s settings).',
      EN_NOT_RUN_HERE: 'Plan {id} does not run here: HQ\'s plans run at the stores they are published to, and a store runs only its own plans and HQ\'s.',
      EN_OVERRIDE_NOT_ALLOWED: 'Plan {id}: this store may not set {field} (only an HQ plan\'s fields HQ allows can be set per store; ask HQ to allow it).',
      EN_PLAN_CONFLICT: 'Plan {id} was changed by someone else (you edited version {expected}, it is now version {actual}). Reload it and apply your change again.',
      EN_RUN_STATE: 'Run {id} is {state}: it cannot {action} now.',
      EN_AUDIENCE_UNAVAILABLE: 'The audience {id} of plan {planId} cannot be used: {reason}',
      EN_CHANNEL_UNKNOWN: 'No delivery channel "{via}" is configured (action {actionId}). Add it in Settings > Channels or pick another.',
      EN_NO_ADDRESS: 'Customer {customerId} has no {channel} address.',
      EN_ITEM_FAILED: 'Item {customerId} of run {runId} failed: {reason}',
    },
    errorParams: {
      EN_PLAN_STATE: {
        status: { draft: 'a draft', 'pending-approval': 'pending approval', scheduled: 'scheduled', active: 'active', paused: 'paused', completed: 'completed', cancelled: 'cancelled', _other: '{value}' },
        action: {
          activate: 'be activated',
          pause: 'be paused',
          resume: 'be resumed',
          cancel: 'be cancelled',
          edit: 'be edited',
          fired: 'fire',
          exhausted: 'be completed',
          'request-approval': 'be submitted for approval',
          approve: 'be approved',
          reject: 'be rejected',
          'run-now': 'be run',
          _other: 'do this ({value})',
        },
      },
      EN_RUN_STATE: {
        state: { pending: 'pending', splitting: 'splitting', running: 'running', waiting: 'waiting', paused: 'paused', done: 'done', failed: 'failed', cancelled: 'cancelled', stopping: 'stopping', _other: '{value}' },
        action: { pause: 'be paused', resume: 'be resumed', cancel: 'be cancelled', retry: 'retry its failed items', continue: 'continue', _other: 'do this ({value})' },
      },
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
      EN_PLAN_STATE: '计划 {id} 当前为{status}，现在不能{action}。',
      EN_HQ_PLAN_READ_ONLY: '计划 {id} 属于总部：只有总部可以修改。本店只能设置自己的 {fields}（计划 › 本店设置）。',
      EN_NOT_RUN_HERE: '计划 {id} 不在这里执行：总部计划在其发布到的门店执行，门店只执行本店计划和总部计划。',
      EN_OVERRIDE_NOT_ALLOWED: '计划 {id}：本店不能设置 {field}（只有总部计划中总部允许的字段才能按门店设置；请联系总部开放）。',
      EN_PLAN_CONFLICT: '计划 {id} 已被他人修改（你编辑的是版本 {expected}，现在是版本 {actual}）。请重新加载后再修改。',
      EN_RUN_STATE: '执行 {id} 当前为{state}，现在不能{action}。',
      EN_AUDIENCE_UNAVAILABLE: '计划 {planId} 的人群 {id} 无法使用：{reason}',
      EN_CHANNEL_UNKNOWN: '未配置发送通道“{via}”（动作 {actionId}）。请在 设置 > 通道 中添加，或选择其他通道。',
      EN_NO_ADDRESS: '客户 {customerId} 没有 {channel} 地址。',
      EN_ITEM_FAILED: '执行 {runId} 中客户 {customerId} 的任务失败：{reason}',
    },
    errorParams: {
      EN_PLAN_STATE: {
        status: { ...PLAN_STATUS_ZH, _other: '{value}' },
        action: {
          activate: '启用',
          pause: '暂停',
          resume: '恢复',
          cancel: '取消',
          edit: '编辑',
          fired: '触发',
          exhausted: '结束',
          'request-approval': '提交审批',
          approve: '通过审批',
          reject: '驳回',
          'run-now': '立即执行',
          _other: '执行此操作（{value}）',
        },
      },
      EN_RUN_STATE: {
        state: { ...RUN_STATE_ZH, stopping: '正在停止', _other: '{value}' },
        action: { pause: '暂停', resume: '恢复', cancel: '取消', retry: '重试失败项', continue: '继续执行', _other: '执行此操作（{value}）' },
      },
    },
    engine: {
      planStatus: PLAN_STATUS_ZH,
      runState: RUN_STATE_ZH,
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

type EngineWords = typeof engineMessages.en.errorParams;
/** The `status` keys of EN_PLAN_STATE that have words in every locale. */
export type PlanStateStatus = Exclude<keyof EngineWords['EN_PLAN_STATE']['status'], '_other'>;
/** The `action` keys of EN_PLAN_STATE that have words in every locale. */
export type PlanStateAction = Exclude<keyof EngineWords['EN_PLAN_STATE']['action'], '_other'>;
/** The `state` keys of EN_RUN_STATE that have words in every locale. */
export type RunStateWord = Exclude<keyof EngineWords['EN_RUN_STATE']['state'], '_other'>;
/** The `action` keys of EN_RUN_STATE that have words in every locale. */
export type RunStateAction = Exclude<keyof EngineWords['EN_RUN_STATE']['action'], '_other'>;
