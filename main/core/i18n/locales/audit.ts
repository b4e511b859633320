import { defineMessages } from '../define-messages.ts';

/** Messages of the AD error codes and the audit log's labels, for the UI, the CLI and CSV exports. */
export const auditMessages = defineMessages({
  en: {
    errors: {
      AD_CHAIN_BROKEN: 'The audit log of device {device} is broken at entry {seq} ({id}): {problem}. Its entries from there on cannot be trusted.',
    },
    audit: {
      problem: {
        edited: 'its content no longer matches its hash: it was edited in the database',
        missing: 'entry {expected} should come before it: entries were deleted',
        'out-of-order': 'its number repeats or goes back (entry {expected} expected): an entry was inserted',
        relinked: 'it does not link to the entry before it: that entry was replaced',
      },
      outcome: { ok: 'OK', error: 'Failed' },
      verifyOk: 'Audit log OK: {count} entries, the chain of each of {chains} devices is intact.',
      verifyChain: '  {device}{store}: {count} entries, last entry {seq}',
      hqStore: 'HQ',
      verifyEmpty: 'Audit log OK: no entries yet.',
      exported: 'Exported {count} entries to {file}',
      csv: {
        seq: 'No.',
        at: 'Time',
        actor: 'Actor',
        method: 'Action',
        target: 'Target',
        outcome: 'Outcome',
        errorCode: 'Error code',
        summary: 'Summary',
        changes: 'Changes',
        device: 'Device',
        store: 'Store',
        id: 'Entry id',
        hash: 'Hash',
      },
    },
  },
  'zh-CN': {
    errors: {
      AD_CHAIN_BROKEN: '设备 {device} 的审计日志在第 {seq} 条（{id}）处断开：{problem}。它从这里开始的记录不可信。',
    },
    audit: {
      problem: {
        edited: '内容与其哈希不符：该条记录在数据库中被修改过',
        missing: '它之前应有第 {expected} 条：有记录被删除',
        'out-of-order': '序号重复或倒退（应为第 {expected} 条）：有记录被插入',
        relinked: '它没有链接到前一条记录：前一条记录被替换过',
      },
      outcome: { ok: '成功', error: '失败' },
      verifyOk: '审计日志完好：共 {count} 条，{chains} 台设备的哈希链都完整。',
      verifyChain: '  {device}{store}：{count} 条，最后一条为第 {seq} 条',
      hqStore: '总部',
      verifyEmpty: '审计日志完好：还没有记录。',
      exported: '已导出 {count} 条记录到 {file}',
      csv: {
        seq: '序号',
        at: '时间',
        actor: '操作者',
        method: '操作',
        target: '对象',
        outcome: '结果',
        errorCode: '错误码',
        summary: '摘要',
        changes: '变更',
        device: '设备',
        store: '门店',
        id: '记录编号',
        hash: '哈希',
      },
    },
  },
});
