import { defineMessages } from '../define-messages.ts';

/** Messages of the GV error codes (holdouts, approvals, risk limits) and governance labels, shared by the UI and the CLI. */
export const governanceMessages = defineMessages({
  en: {
    errors: {
      GV_HOLDOUT_INVALID: 'The holdout share {value} is not valid: use 0 to 50 percent, with at most one decimal (e.g. 10 or 12.5).',
      GV_RULES_INVALID: 'The governance settings are invalid at "{path}": {reason}',
      GV_NOT_APPROVER: '{actor} may not approve or reject plans. Add them to the approvers in Settings › Approval rules.',
      GV_COMMENT_REQUIRED: 'Say why plan {id} is rejected: a comment is required.',
      GV_PENDING_APPROVAL: 'Plan {id} waits for approval: nothing runs before an approver approves it.',
    },
    governance: {
      rule: {
        'audience-size': 'Audience larger than {threshold} customers',
        'rights-value': 'Rights value over {threshold} yuan',
        'hq-plan-edited': 'A plan published by HQ was edited at the store',
      },
      reason: {
        'audience-size': 'audience {actual} > {threshold}',
        'rights-value': 'rights value {actual} yuan > {threshold} yuan',
        'hq-plan-edited': 'HQ plan edited at the store',
      },
      approval: { pending: 'Pending approval', approved: 'Approved', rejected: 'Rejected' },
    },
  },
  'zh-CN': {
    errors: {
      GV_HOLDOUT_INVALID: '对照组比例 {value} 无效：请填写 0 到 50 之间的百分比，最多一位小数（如 10 或 12.5）。',
      GV_RULES_INVALID: '治理设置在“{path}”处无效：{reason}',
      GV_NOT_APPROVER: '{actor} 没有审批计划的权限。请在 设置 › 审批规则 中把其加入审批人。',
      GV_COMMENT_REQUIRED: '驳回计划 {id} 时必须填写意见。',
      GV_PENDING_APPROVAL: '计划 {id} 正在等待审批：审批通过前不会执行。',
    },
    governance: {
      rule: {
        'audience-size': '人群超过 {threshold} 人',
        'rights-value': '权益价值超过 {threshold} 元',
        'hq-plan-edited': '门店修改了总部下发的计划',
      },
      reason: {
        'audience-size': '人群 {actual} > {threshold}',
        'rights-value': '权益价值 {actual} 元 > {threshold} 元',
        'hq-plan-edited': '门店修改了总部计划',
      },
      approval: { pending: '待审批', approved: '已通过', rejected: '已驳回' },
    },
  },
});
