import { defineMessages } from '../define-messages.ts';

/**
 * Messages of the TH error codes: refused rate-budget settings of a downstream (Settings >
 * Channels, or a plan's limits). Each says which value is wrong and what is allowed.
 */
export const throttleMessages = defineMessages({
  en: {
    errors: {
      TH_BAD_RATE: 'The {setting} of {downstream} must be a number of items per second above 0, not {value}.',
      TH_MIN_ABOVE_MAX: 'The minimum rate of {downstream} ({minRate}/s) cannot be above its maximum rate ({maxRate}/s). Lower the minimum or raise the maximum.',
      TH_BAD_IN_FLIGHT: 'The limit of items in progress at once for {downstream} must be a whole number of 1 or more, not {value}.',
    },
  },
  'zh-CN': {
    errors: {
      TH_BAD_RATE: '{downstream} 的 {setting} 必须是大于 0 的每秒条数，而不是 {value}。',
      TH_MIN_ABOVE_MAX: '{downstream} 的最低速率（{minRate}/秒）不能高于最高速率（{maxRate}/秒）。请调低最低速率或调高最高速率。',
      TH_BAD_IN_FLIGHT: '{downstream} 同时处理中的条数上限必须是不小于 1 的整数，而不是 {value}。',
    },
  },
});
