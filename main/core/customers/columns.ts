/**
 * Which CSV header means which field. Headers are matched case-insensitively, ignoring spaces,
 * dashes and underscores, in English and Chinese (POS exports use both). The import screen
 * lets the user override any of it.
 */
export const CUSTOMER_COLUMNS = {
  externalId: ['externalid', 'customerid', 'memberid', 'id', '会员编号', '会员id', '客户编号', '客户id', '会员卡号'],
  storeId: ['storeid', 'store', '门店', '门店编号', '门店id', '所属门店'],
  name: ['name', 'fullname', '姓名', '客户姓名', '会员姓名'],
  phone: ['phone', 'mobile', 'tel', '手机', '手机号', '手机号码', '电话'],
  email: ['email', 'mail', '邮箱', '电子邮箱'],
  gender: ['gender', 'sex', '性别'],
  birthday: ['birthday', 'birthdate', 'dateofbirth', '生日', '出生日期'],
  level: ['level', 'memberlevel', 'tier', '等级', '会员等级'],
  tags: ['tags', 'tag', '标签'],
  points: ['points', '积分'],
  growth: ['growth', 'growthvalue', '成长值'],
  isFan: ['isfan', 'fan', 'follows', '是否粉丝', '关注公众号'],
  fanSince: ['fansince', 'followedat', '关注时间'],
  registeredAt: ['registeredat', 'registered', 'joinedat', 'createdat', '注册时间', '入会时间'],
  totalSpend: ['totalspend', 'spend', '累计消费', '消费金额'],
  lastOrderAt: ['lastorderat', 'lastorder', '最近下单时间', '最后消费时间'],
  consentSms: ['consentsms', 'sms', '短信授权', '接收短信'],
  consentEmail: ['consentemail', '邮件授权', '接收邮件'],
  consentWechat: ['consentwechat', 'wechat', '微信授权', '接收微信'],
  consentApp: ['consentapp', 'app推送', '接收推送'],
} as const;

export const EVENT_COLUMNS = {
  eventId: ['eventid', 'id', '事件编号', '事件id'],
  customerId: ['customerid', 'externalid', 'memberid', '会员编号', '客户编号', '会员id'],
  storeId: ['storeid', 'store', '门店', '门店编号'],
  type: ['type', 'eventtype', 'event', '类型', '事件类型'],
  at: ['at', 'time', 'timestamp', 'occurredat', '时间', '发生时间'],
  productId: ['productid', 'product', 'sku', '商品', '商品编号'],
  category: ['category', '类目', '品类', '商品类目'],
  amount: ['amount', '金额'],
  itemCount: ['itemcount', 'items', 'quantity', '件数', '数量'],
  interaction: ['interaction', '互动类型'],
} as const;

export type CustomerColumn = keyof typeof CUSTOMER_COLUMNS;
export type EventColumn = keyof typeof EVENT_COLUMNS;

function normalizeHeader(header: string): string {
  return header.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-（）()]/g, '');
}

/** Guesses field → header from a file's headers; fields with no match are left out. */
export function guessMapping<F extends string>(headers: readonly string[], table: Record<F, readonly string[]>): Partial<Record<F, string>> {
  const mapping: Partial<Record<F, string>> = {};
  const used = new Set<string>();
  for (const field of Object.keys(table) as F[]) {
    const header = headers.find((h) => !used.has(h) && table[field].includes(normalizeHeader(h)));
    if (header !== undefined) {
      mapping[field] = header;
      used.add(header);
    }
  }
  return mapping;
}
