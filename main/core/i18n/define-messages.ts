/** The same keys as `T`, with any string values: a translation must cover every key. */
export type SameShape<T> = { [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

/** One area's messages in both languages, checked to have the same keys. */
export function defineMessages<const T extends object>(messages: { en: T; 'zh-CN': SameShape<T> }) {
  return messages;
}
