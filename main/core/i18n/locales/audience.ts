import { defineMessages } from '../define-messages.ts';

export const audienceMessages = defineMessages({
  en: {
    errors: {
      AU_INVALID_RULE: 'Invalid audience rule at {path}: {reason}',
      AU_UNSUPPORTED_VERSION: 'Audience rule version {version} is not supported (this app reads version {supported}).',
      IM_FILE: 'Cannot read {path}: {reason}',
      IM_MAPPING: 'Column mapping for {field}: {reason}',
    },
  },
  'zh-CN': {
    errors: {
      AU_INVALID_RULE: '人群规则在 {path} 处无效：{reason}',
      AU_UNSUPPORTED_VERSION: '不支持人群规则版本 {version}（本应用读取版本 {supported}）。',
      IM_FILE: '无法读取 {path}：{reason}',
      IM_MAPPING: '字段 {field} 的列映射有误：{reason}',
    },
  },
});
