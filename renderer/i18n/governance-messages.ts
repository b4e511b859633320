import { defineMessages } from '../../main/core/i18n/define-messages.ts';

/**
 * Strings of the approval panel (plan detail), the Approval rules settings page and the plan
 * editor's control group. Rule and reason labels and GV_ errors are shared with the CLI in
 * main/core/i18n/locales/governance.ts.
 */
export const governanceUiMessages = defineMessages({
  en: {
    governanceUi: {
      panel: {
        pending: 'This plan waits for approval: nothing runs until an approver approves it.',
        requested: 'Asked by {who} at {at} ({request}).',
        request: { activate: 'activation', edit: 'edit of a live plan' },
        matched: 'Rules matched',
        comment: 'Comment',
        commentHint: 'Why (required to reject)',
        approve: 'Approve',
        reject: 'Reject',
        notApprover: 'You ({actor}) may not approve plans: an approver must decide.',
        approved: 'Approved by {who} at {at}',
        rejected: 'Rejected by {who} at {at}',
        done: 'Decision saved',
      },
      settings: {
        title: 'Approval rules',
        open: 'Approval rules, risk limits and approvers',
        intro: 'A plan that matches an enabled rule when it is activated (or edited while live) waits for an approver. Risk limits hold for every plan, approved or not.',
        rules: 'Approval rules',
        addRule: 'Add rule',
        enabled: 'On',
        kind: 'Rule',
        threshold: 'Threshold',
        customers: 'customers',
        yuan: 'yuan',
        remove: 'Remove',
        riskLimits: 'Risk limits (all plans together)',
        maxValue: 'Rights value per customer per day (yuan)',
        maxMessages: 'Messages per customer per 7 days',
        noLimit: 'No limit',
        approvers: 'Approvers',
        approversHint: 'Actors who may approve: user:desk (this app), cli:<user>, cli:* (every command-line user), api:in-process',
        you: 'You are {actor}: {can}',
        canApprove: 'you may approve',
        cannotApprove: 'you may not approve',
        save: 'Save',
        saved: 'Approval rules saved',
      },
      editor: {
        holdout: 'Control group (holdout, %)',
        holdoutHint: 'This share of the audience gets nothing and is measured the same way (0–50, the same customers every run).',
      },
      dryRun: {
        holdout: 'Control group',
        rightsValue: 'Rights value',
      },
    },
  },
  'zh-CN': {
    governanceUi: {
      panel: {
        pending: '该计划正在等待审批：审批通过前不会执行。',
        requested: '由 {who} 于 {at} 提交（{request}）。',
        request: { activate: '启用', edit: '修改进行中的计划' },
        matched: '命中的规则',
        comment: '审批意见',
        commentHint: '原因（驳回时必填）',
        approve: '通过',
        reject: '驳回',
        notApprover: '你（{actor}）没有审批权限，需由审批人处理。',
        approved: '{who} 于 {at} 审批通过',
        rejected: '{who} 于 {at} 驳回',
        done: '审批结果已保存',
      },
      settings: {
        title: '审批规则',
        open: '审批规则、风控上限和审批人',
        intro: '计划在启用（或进行中被修改）时命中任一已开启的规则，就需要审批人审批。风控上限对所有计划生效，审批通过的计划也不例外。',
        rules: '审批规则',
        addRule: '添加规则',
        enabled: '开启',
        kind: '规则',
        threshold: '阈值',
        customers: '人',
        yuan: '元',
        remove: '删除',
        riskLimits: '风控上限（所有计划合计）',
        maxValue: '每客每日权益价值（元）',
        maxMessages: '每客每 7 天消息数',
        noLimit: '不限',
        approvers: '审批人',
        approversHint: '可审批的操作者：user:desk（本应用）、cli:<用户名>、cli:*（所有命令行用户）、api:in-process',
        you: '你是 {actor}：{can}',
        canApprove: '可以审批',
        cannotApprove: '不能审批',
        save: '保存',
        saved: '审批规则已保存',
      },
      editor: {
        holdout: '对照组（不触达，%）',
        holdoutHint: '这部分人群不发权益、不发消息，用同样方式统计（0–50，每次执行都是同一批顾客）。',
      },
      dryRun: {
        holdout: '对照组',
        rightsValue: '权益价值',
      },
    },
  },
});
