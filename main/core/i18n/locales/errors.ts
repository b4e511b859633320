import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the SYS, API and CLI error codes; other areas keep theirs beside their code.
 * `errorParams` holds the words of params that are keys (SYS_NOT_FOUND's `what`): throwers pass
 * the key, `formatError` and the renderer show the locale's phrase.
 */
export const errorMessages = defineMessages({
  en: {
    errors: {
      SYS_INTERNAL: 'An internal error occurred. It has been logged.',
      SYS_NOT_FOUND: '{what} "{id}" was not found.',
      SYS_DATA_DIR: 'The data directory {path} cannot be used: {reason}',
      API_VALIDATION: 'Invalid input for {method} at "{path}": {reason}',
      API_UNKNOWN_METHOD: 'Unknown method "{method}".',
      API_DUPLICATE_METHOD: 'The method "{method}" is registered twice.',
      API_BAD_METHOD_NAME: 'The method name "{method}" is not of the form area/verb-noun.',
      API_UNAUTHORIZED: 'Missing or wrong access token. Open the address printed by "campaign-desk start".',
      API_FORBIDDEN_ORIGIN: 'Requests from {origin} are not allowed.',
      API_TRANSPORT: 'Cannot reach the Campaign Desk service: {reason}',
      CLI_USAGE: '{reason}',
    },
    errorParams: {
      SYS_NOT_FOUND: {
        what: {
          customer: 'Customer',
          plan: 'Plan',
          run: 'Run',
          audience: 'Audience',
          right: 'Right',
          'right-version': 'Right version',
          package: 'Package',
          grant: 'Grant',
          'grant-bundle': 'Grant bundle',
          stock: 'Stock',
          allotment: 'Allotment',
          upload: 'Upload',
          import: 'Import',
          'error-file': 'Error file',
          _other: '{value}',
        },
      },
    },
  },
  'zh-CN': {
    errors: {
      SYS_INTERNAL: '发生内部错误，已记录日志。',
      SYS_NOT_FOUND: '未找到{what}“{id}”。',
      SYS_DATA_DIR: '无法使用数据目录 {path}：{reason}',
      API_VALIDATION: '{method} 的输入无效，位置“{path}”：{reason}',
      API_UNKNOWN_METHOD: '未知的方法“{method}”。',
      API_DUPLICATE_METHOD: '方法“{method}”被重复注册。',
      API_BAD_METHOD_NAME: '方法名“{method}”不符合 area/verb-noun 格式。',
      API_UNAUTHORIZED: '访问令牌缺失或错误。请打开“campaign-desk start”打印的地址。',
      API_FORBIDDEN_ORIGIN: '不允许来自 {origin} 的请求。',
      API_TRANSPORT: '无法连接 Campaign Desk 服务：{reason}',
      CLI_USAGE: '{reason}',
    },
    errorParams: {
      SYS_NOT_FOUND: {
        what: {
          customer: '客户',
          plan: '计划',
          run: '执行',
          audience: '人群',
          right: '权益',
          'right-version': '权益版本',
          package: '权益包',
          grant: '发放记录',
          'grant-bundle': '发放批次',
          stock: '库存',
          allotment: '配额',
          upload: '上传的文件',
          import: '导入任务',
          'error-file': '错误明细文件',
          _other: '{value}',
        },
      },
    },
  },
});

/** The `what` keys of SYS_NOT_FOUND that have words in every locale. */
export type NotFoundWhat = Exclude<keyof typeof errorMessages.en.errorParams.SYS_NOT_FOUND.what, '_other'>;
