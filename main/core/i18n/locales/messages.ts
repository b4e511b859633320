import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the CH (message channels) and TP (message templates) error codes, and the labels
 * of channel kinds, template fields and template variables shared by the UI and the CLI.
 * Words that differ by language arrive as two parameters, because messages only interpolate:
 * `field`/`fieldZh` ('body'/'正文' in TP codes, 'phone'/'手机号' in CH_NO_ADDRESS). `example`
 * carries a sample placeholder, since message texts cannot contain literal braces.
 */
export const messageMessages = defineMessages({
  en: {
    errors: {
      CH_CONFIG_INVALID: 'The settings of channel "{channel}" are invalid at "{path}": {reason}',
      CH_UNKNOWN_KIND: 'Unknown channel kind "{kind}". Known kinds: {known}.',
      CH_DUPLICATE_KIND: 'The channel kind "{kind}" is already registered.',
      CH_DUPLICATE_CHANNEL: 'A channel with the id "{channel}" already exists.',
      CH_NOT_FOUND: 'There is no channel "{channel}".',
      CH_CLOSED: 'The channel "{channel}" is closed; message {messageId} was not sent.',
      CH_NO_ADDRESS: 'Customer {customerId} has no usable {field} for channel "{channel}" (message {messageId}).',
      CH_RATE_LIMITED:
        '{target} refused message {messageId} for now: too many requests (status {status}, channel "{channel}"). It will be sent again later.',
      CH_UNAVAILABLE: '{target} is unavailable (status {status}, channel "{channel}", message {messageId}): {detail}',
      CH_TIMEOUT: '{target} did not answer within {timeoutMs} ms (channel "{channel}", message {messageId}).',
      CH_NETWORK: 'Could not reach {target} (channel "{channel}", message {messageId}): {reason}',
      CH_REJECTED: '{target} refused message {messageId} (status {status}, channel "{channel}"): {detail}',
      CH_DEFERRED: '{target} deferred message {messageId} (status {status}, channel "{channel}"): {detail}',
      CH_AUTH: '{target} refused the user name or password of channel "{channel}": {detail}',
      CH_SMTP: 'The mail server {target} failed (channel "{channel}", message {messageId}): {detail}',
      CH_CANCELLED: 'Sending message {messageId} on channel "{channel}" was cancelled.',
      CH_OUTBOX: 'Could not write the outbox file {path} (channel "{channel}"): {reason}',
      CH_OUTBOX_CORRUPT:
        'The outbox file {path} cannot be read near line {line}: {reason}. Repair or move the file, then send again.',
      TP_INVALID: 'The template "{template}" is invalid at "{path}": {reason}',
      TP_SYNTAX:
        'Template "{template}", {locale} {field}, line {line} column {column}: the placeholder {snippet} is malformed. Put a variable name between double braces, e.g. {example}.',
      TP_UNKNOWN_VARIABLE:
        'Template "{template}", {locale} {field}, line {line} column {column}: unknown variable "{variable}". Known variables: {known}.',
      TP_MISSING_LOCALE: 'The template "{template}" has no {locale} text.',
      TP_NO_TEXT: 'The template "{template}" has no text in any language.',
      TP_EMPTY_BODY: 'The {locale} body of template "{template}" is empty.',
      TP_MISSING_SUBJECT: 'The {locale} text of template "{template}" needs a subject for channel {channel}.',
      TP_MISSING_VALUE:
        'Template "{template}", {locale} {field}, line {line} column {column}: there is no value for "{variable}" and no default. Give one, e.g. {example}.',
      TP_TOO_LONG: 'The {locale} {field} of template "{template}" has {length} characters; at most {max} are allowed.',
    },
    channels: {
      kinds: { webhook: 'Webhook (HTTP)', email: 'Email (SMTP)', outbox: 'Outbox file (sent by hand)' },
    },
    templates: {
      fields: { subject: 'Subject', body: 'Body' },
      variables: {
        name: 'Customer name',
        couponCode: 'Coupon code',
        expiry: 'Expiry',
        store: 'Store',
        points: 'Points',
        rightName: 'Right',
        planName: 'Plan',
      },
      sms: {
        gsm7: 'Plain text: {length} of {perSegment} characters per message, {segments} message(s)',
        ucs2: 'Unicode: {length} of {perSegment} characters per message, {segments} message(s)',
      },
    },
  },
  'zh-CN': {
    errors: {
      CH_CONFIG_INVALID: '通道“{channel}”的设置在“{path}”处无效：{reason}',
      CH_UNKNOWN_KIND: '未知的通道类型“{kind}”。已有类型：{known}。',
      CH_DUPLICATE_KIND: '通道类型“{kind}”已注册。',
      CH_DUPLICATE_CHANNEL: '编号为“{channel}”的通道已存在。',
      CH_NOT_FOUND: '没有通道“{channel}”。',
      CH_CLOSED: '通道“{channel}”已关闭，消息 {messageId} 未发送。',
      CH_NO_ADDRESS: '客户 {customerId} 没有可用于通道“{channel}”的{fieldZh}（消息 {messageId}）。',
      CH_RATE_LIMITED: '{target} 暂时拒收消息 {messageId}：请求过多（状态 {status}，通道“{channel}”）。稍后会重新发送。',
      CH_UNAVAILABLE: '{target} 暂不可用（状态 {status}，通道“{channel}”，消息 {messageId}）：{detail}',
      CH_TIMEOUT: '{target} 在 {timeoutMs} 毫秒内没有响应（通道“{channel}”，消息 {messageId}）。',
      CH_NETWORK: '无法连接 {target}（通道“{channel}”，消息 {messageId}）：{reason}',
      CH_REJECTED: '{target} 拒收了消息 {messageId}（状态 {status}，通道“{channel}”）：{detail}',
      CH_DEFERRED: '{target} 推迟接收消息 {messageId}（状态 {status}，通道“{channel}”）：{detail}',
      CH_AUTH: '{target} 拒绝了通道“{channel}”的用户名或密码：{detail}',
      CH_SMTP: '邮件服务器 {target} 出错（通道“{channel}”，消息 {messageId}）：{detail}',
      CH_CANCELLED: '已取消在通道“{channel}”上发送消息 {messageId}。',
      CH_OUTBOX: '无法写入待发文件 {path}（通道“{channel}”）：{reason}',
      CH_OUTBOX_CORRUPT: '待发文件 {path} 在第 {line} 行附近无法读取：{reason}。请修复或移走该文件后再发送。',
      TP_INVALID: '模板“{template}”在“{path}”处无效：{reason}',
      TP_SYNTAX:
        '模板“{template}”的 {locale} {fieldZh}，第 {line} 行第 {column} 列：占位符 {snippet} 格式错误。请把变量名写在双花括号中，例如 {example}。',
      TP_UNKNOWN_VARIABLE:
        '模板“{template}”的 {locale} {fieldZh}，第 {line} 行第 {column} 列：未知变量“{variable}”。可用变量：{known}。',
      TP_MISSING_LOCALE: '模板“{template}”没有 {locale} 文本。',
      TP_NO_TEXT: '模板“{template}”没有任何语言的文本。',
      TP_EMPTY_BODY: '模板“{template}”的 {locale} 正文为空。',
      TP_MISSING_SUBJECT: '模板“{template}”的 {locale} 文本需要主题才能通过 {channel} 发送。',
      TP_MISSING_VALUE:
        '模板“{template}”的 {locale} {fieldZh}，第 {line} 行第 {column} 列：变量“{variable}”没有值，也没有默认值。可以这样写默认值：{example}。',
      TP_TOO_LONG: '模板“{template}”的 {locale} {fieldZh}有 {length} 个字符，最多允许 {max} 个。',
    },
    channels: {
      kinds: { webhook: 'Webhook（HTTP）', email: '电子邮件（SMTP）', outbox: '待发文件（人工发送）' },
    },
    templates: {
      fields: { subject: '主题', body: '正文' },
      variables: {
        name: '客户姓名',
        couponCode: '券码',
        expiry: '有效期',
        store: '门店',
        points: '积分',
        rightName: '权益',
        planName: '计划',
      },
      sms: {
        gsm7: '纯文本：{length} 字符，每条 {perSegment} 字符，共 {segments} 条',
        ucs2: 'Unicode：{length} 字符，每条 {perSegment} 字符，共 {segments} 条',
      },
    },
  },
});
