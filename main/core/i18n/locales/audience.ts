import { defineMessages } from '../define-messages.ts';

export const audienceMessages = defineMessages({
  en: {
    errors: {
      AU_INVALID_RULE: 'Invalid audience rule at {path}: {reason}',
      AU_UNSUPPORTED_VERSION: 'Audience rule version {version} is not supported (this app reads version {supported}).',
    },
  },
  'zh-CN': {
    errors: {
      AU_INVALID_RULE: '人群规则在 {path} 处无效：{reason}',
      AU_UNSUPPORTED_VERSION: '不支持人群规则版本 {version}（本应用读取版本 {supported}）。',
    },
  },
});
