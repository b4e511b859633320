import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the SY error codes: the sync server's refusals and the sync client's failures.
 * `errorParams` holds the words of params that are keys (SY_FORBIDDEN's `role` and `action`,
 * SY_NOT_FOUND's and SY_ALREADY_EXISTS's `what`, SY_UNAUTHORIZED's and SY_NOT_CONFIGURED's
 * `reason`, SY_LEASE_CLOSED's `state`): throwers pass the key, `formatError` and the renderer
 * show the locale's phrase.
 */
export const syncMessages = defineMessages({
  en: {
    errors: {
      SY_UNAUTHORIZED: 'The sync server needs a valid credential (Authorization: Bearer TOKEN): {reason}.',
      SY_REVOKED: 'This credential ({credentialId}) was revoked by HQ. Ask HQ for a new one.',
      SY_FORBIDDEN: 'This {role} credential may not {action}.',
      SY_FOREIGN_STORE: 'Document {id} in {collection} belongs to store "{owner}", not to this store ({storeId}); refused.',
      SY_READ_ONLY_DOCUMENT: 'Document {id} in {collection} was published by HQ and is read-only at the store; refused.',
      SY_INVALID_DOCUMENT: 'Document {id} in {collection} does not match the collection schema: {reason}',
      SY_BAD_REQUEST: 'Malformed request: {reason}',
      SY_PAYLOAD_TOO_LARGE: 'The request body is larger than the limit of {limit} bytes; send smaller batches.',
      SY_RATE_LIMITED: 'Too many requests from this credential; try again in {retryAfterSeconds} s.',
      SY_UNKNOWN_COLLECTION: 'The sync server does not replicate a collection named "{collection}".',
      SY_NOT_FOUND: 'No {what} "{id}" on the sync server.',
      SY_UNKNOWN_STORE: 'No store "{storeId}" is registered on the sync server; HQ creates stores first.',
      SY_ALREADY_EXISTS: 'A {what} "{id}" already exists on the sync server.',
      SY_ALREADY_INITIALIZED: 'The sync server database already has an HQ admin; create more users with an admin credential.',
      SY_BAD_DATABASE_URL: 'Cannot use the database "{url}": {reason}',
      SY_DATABASE: 'The sync server database failed: {reason}',
      SY_TOO_MANY_STREAMS: 'This credential already has {limit} open live streams; close one first.',
      SY_NETWORK: 'Cannot reach the sync server at {url}: {reason}',
      SY_BAD_RESPONSE: 'The sync server at {url} answered something unexpected: {reason}',
      SY_BAD_CONFIG: 'The sync setup is not usable ({path}): {reason}. Set it up again on the Sync screen.',
      SY_NOT_CONFIGURED: 'Sync is not set up ({reason}): enter the server URL and credential on the Sync screen.',
      SY_HQ_ONLY: 'Only an HQ credential can do this; this app syncs as store {storeId}.',
      SY_APPEND_ONLY: 'Document {id} in {collection} is append-only: once written it is never changed or deleted; refused.',
      SY_ALLOTMENT_EXHAUSTED: 'Chain stock {stock} has {remaining} units left; {requested} were asked for (at least {minimum}).',
      SY_ALLOTMENT_CLOSED: 'Chain stock {stock} leases no more units: {reason}.',
      SY_LEASE_CLOSED: 'Lease {lease} is already closed ({state}); it takes no more reports.',
      SY_LEASE_OVERDRAWN: 'Lease {lease} cannot take {consumed} consumed units: {reason}.',
    },
    errorParams: {
      SY_FORBIDDEN: {
        role: { store: 'store', admin: 'HQ admin', operator: 'HQ operator', 'read-only': 'HQ read-only' },
        action: {
          pull: 'read documents',
          push: 'write documents',
          publish: 'publish documents to stores',
          manage: 'manage stores, users and credentials',
          'list-stores': 'list stores',
          'lease-chain-stock': 'lease chain stock (only stores do)',
          'hold-leases': 'hold leases of chain stock (only stores do)',
          'read-hq-allotments': 'read HQ’s chain stocks and all leases',
          _other: 'do this ({value})',
        },
      },
      SY_NOT_FOUND: {
        what: {
          route: 'route',
          document: 'document',
          lease: 'lease',
          'chain-stock': 'chain stock',
          store: 'store',
          user: 'user',
          credential: 'credential',
          _other: '{value}',
        },
      },
      SY_ALREADY_EXISTS: {
        what: { 'chain-stock': 'chain stock', store: 'store', user: 'user', 'credential-token': 'credential with this token', _other: '{value}' },
      },
      SY_UNAUTHORIZED: {
        reason: {
          'no-bearer': 'the request has no Authorization: Bearer header',
          'no-credential': 'the request has no credential',
          'unknown-token': 'the token is not known',
          'no-user': 'the token belongs to no user',
          _other: '{value}',
        },
      },
      SY_NOT_CONFIGURED: {
        reason: {
          paused: 'sync is paused',
          'no-server': 'no server is set up',
          'no-token': 'no credential: pass --token or set CAMPAIGN_DESK_SYNC_TOKEN',
          _other: '{value}',
        },
      },
      SY_LEASE_CLOSED: {
        state: { active: 'active', returned: 'returned', reclaimed: 'reclaimed', _other: '{value}' },
      },
    },
  },
  'zh-CN': {
    errors: {
      SY_UNAUTHORIZED: '同步服务器需要有效凭据（Authorization: Bearer 令牌）：{reason}。',
      SY_REVOKED: '此凭据（{credentialId}）已被总部吊销，请向总部申请新凭据。',
      SY_FORBIDDEN: '{role}凭据不能{action}。',
      SY_FOREIGN_STORE: '{collection} 中的文档 {id} 属于门店“{owner}”，不属于本门店（{storeId}），已拒绝。',
      SY_READ_ONLY_DOCUMENT: '{collection} 中的文档 {id} 由总部发布，门店只读，已拒绝。',
      SY_INVALID_DOCUMENT: '{collection} 中的文档 {id} 不符合集合结构：{reason}',
      SY_BAD_REQUEST: '请求格式有误：{reason}',
      SY_PAYLOAD_TOO_LARGE: '请求内容超过 {limit} 字节的上限，请分成更小的批次发送。',
      SY_RATE_LIMITED: '此凭据的请求过于频繁，请 {retryAfterSeconds} 秒后再试。',
      SY_UNKNOWN_COLLECTION: '同步服务器不同步名为“{collection}”的集合。',
      SY_NOT_FOUND: '同步服务器上没有{what}“{id}”。',
      SY_UNKNOWN_STORE: '同步服务器上没有登记门店“{storeId}”，请总部先创建门店。',
      SY_ALREADY_EXISTS: '同步服务器上已有{what}“{id}”。',
      SY_ALREADY_INITIALIZED: '同步服务器数据库已有总部管理员；请用管理员凭据创建更多用户。',
      SY_BAD_DATABASE_URL: '无法使用数据库“{url}”：{reason}',
      SY_DATABASE: '同步服务器数据库出错：{reason}',
      SY_TOO_MANY_STREAMS: '此凭据已打开 {limit} 个实时连接，请先关闭一个。',
      SY_NETWORK: '无法连接同步服务器 {url}：{reason}',
      SY_BAD_RESPONSE: '同步服务器 {url} 的应答不符合预期：{reason}',
      SY_BAD_CONFIG: '同步设置不可用（{path}）：{reason}。请在“同步”页面重新设置。',
      SY_NOT_CONFIGURED: '尚未设置同步（{reason}）：请在“同步”页面填写服务器地址和凭据。',
      SY_HQ_ONLY: '只有总部凭据可以执行此操作；本应用以门店 {storeId} 的身份同步。',
      SY_APPEND_ONLY: '{collection} 中的文档 {id} 只能追加：写入后不能修改或删除，已拒绝。',
      SY_ALLOTMENT_EXHAUSTED: '全链库存 {stock} 仅剩 {remaining} 份，申请了 {requested} 份（至少 {minimum} 份）。',
      SY_ALLOTMENT_CLOSED: '全链库存 {stock} 不再分配份额：{reason}。',
      SY_LEASE_CLOSED: '份额租约 {lease} 已关闭（{state}），不再接受上报。',
      SY_LEASE_OVERDRAWN: '份额租约 {lease} 不能记入已用 {consumed} 份：{reason}。',
    },
    errorParams: {
      SY_FORBIDDEN: {
        role: { store: '门店', admin: '总部管理员', operator: '总部运营', 'read-only': '总部只读' },
        action: {
          pull: '读取文档',
          push: '写入文档',
          publish: '向门店发布文档',
          manage: '管理门店、用户和凭据',
          'list-stores': '查看门店列表',
          'lease-chain-stock': '租用全链库存份额（仅限门店）',
          'hold-leases': '持有全链库存的份额租约（仅限门店）',
          'read-hq-allotments': '查看总部的全链库存和所有租约',
          _other: '执行此操作（{value}）',
        },
      },
      SY_NOT_FOUND: {
        what: {
          route: '接口',
          document: '文档',
          lease: '份额租约',
          'chain-stock': '全链库存',
          store: '门店',
          user: '用户',
          credential: '凭据',
          _other: '{value}',
        },
      },
      SY_ALREADY_EXISTS: {
        what: { 'chain-stock': '全链库存', store: '门店', user: '用户', 'credential-token': '使用此令牌的凭据', _other: '{value}' },
      },
      SY_UNAUTHORIZED: {
        reason: {
          'no-bearer': '请求缺少 Authorization: Bearer 请求头',
          'no-credential': '请求没有携带凭据',
          'unknown-token': '令牌无法识别',
          'no-user': '令牌不属于任何用户',
          _other: '{value}',
        },
      },
      SY_NOT_CONFIGURED: {
        reason: {
          paused: '同步已暂停',
          'no-server': '尚未设置服务器',
          'no-token': '没有凭据：请传入 --token 或设置 CAMPAIGN_DESK_SYNC_TOKEN',
          _other: '{value}',
        },
      },
      SY_LEASE_CLOSED: {
        state: { active: '生效中', returned: '已归还', reclaimed: '已收回', _other: '{value}' },
      },
    },
  },
});

type ForbiddenWords = typeof syncMessages.en.errorParams.SY_FORBIDDEN;
/** The `action` keys of SY_FORBIDDEN that have words in every locale. */
export type ForbiddenAction = Exclude<keyof ForbiddenWords['action'], '_other'>;
/** The `role` keys of SY_FORBIDDEN that have words in every locale. */
export type ForbiddenRole = keyof ForbiddenWords['role'];

type SyncWords = typeof syncMessages.en.errorParams;
/** The `what` keys of SY_NOT_FOUND that have words in every locale. */
export type SyncNotFoundWhat = Exclude<keyof SyncWords['SY_NOT_FOUND']['what'], '_other'>;
/** The `what` keys of SY_ALREADY_EXISTS that have words in every locale. */
export type SyncExistingWhat = Exclude<keyof SyncWords['SY_ALREADY_EXISTS']['what'], '_other'>;
/** The `reason` keys of SY_UNAUTHORIZED that have words in every locale. */
export type UnauthorizedReason = Exclude<keyof SyncWords['SY_UNAUTHORIZED']['reason'], '_other'>;
/** The `reason` keys of SY_NOT_CONFIGURED that have words in every locale. */
export type NotConfiguredReason = Exclude<keyof SyncWords['SY_NOT_CONFIGURED']['reason'], '_other'>;
/** The `state` keys of SY_LEASE_CLOSED that have words in every locale. */
export type ClosedLeaseState = Exclude<keyof SyncWords['SY_LEASE_CLOSED']['state'], '_other'>;
