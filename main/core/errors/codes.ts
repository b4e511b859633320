/**
 * Every stable error code of Campaign Desk, grouped by prefix (one block per area).
 * A code is part of the wire format and of the locale files: never rename or reuse one;
 * when one is retired, leave it here as a comment saying when and why.
 * Each code needs a message in every locale (`main/core/i18n/locales/*`); a test checks it.
 */
export const ERROR_CODES = [
  // SYS: the app itself
  'SYS_INTERNAL',
  'SYS_NOT_FOUND',
  'SYS_DATA_DIR',
  // API: the service API and its transports
  'API_VALIDATION',
  'API_UNKNOWN_METHOD',
  'API_DUPLICATE_METHOD',
  'API_BAD_METHOD_NAME',
  'API_UNAUTHORIZED',
  'API_FORBIDDEN_ORIGIN',
  'API_TRANSPORT',
  // CLI: the command line
  'CLI_USAGE',
  // AU: audiences and customers
  'AU_INVALID_RULE',
  'AU_UNSUPPORTED_VERSION',
  // IM: importing customers and events
  'IM_FILE',
  'IM_MAPPING',
  // DB: local database
  'DB_NOT_A_DATABASE',
  'DB_NEWER_SCHEMA',
  'DB_LOCKED',
  'DB_CORRUPT',
  'DB_OPEN_FAILED',
  'DB_BACKUP_FAILED',
  // PE: period expressions
  'PE_EMPTY',
  'PE_FIELD_COUNT',
  'PE_SYNTAX',
  'PE_OUT_OF_RANGE',
  'PE_REVERSED_RANGE',
  'PE_BAD_STEP',
  'PE_UNKNOWN_TYPE',
  'PE_SINGLE_RANGE_ONLY',
  'PE_NOT_ALLOWED',
  'PE_FIELD_UNUSED',
  'PE_YEAR_REQUIRED',
  'PE_IMPOSSIBLE_DATE',
  'PE_EMPTY_PERIOD',
  'PE_BAD_TIME_ZONE',
  'PE_FORM_INVALID',
  // TM: time model (effective time, execution time, festivals)
  'TM_BAD_INSTANT',
  'TM_BAD_DATE',
  'TM_BAD_RANGE',
  'TM_BAD_SPEC',
  'TM_UNKNOWN_FESTIVAL',
  'TM_YEAR_OUT_OF_RANGE',
  // RT: rights (catalog, inventory, grants, redemption, operation records)
  'RT_INVALID_PARAMS',
  'RT_CUSTOM_SCHEMA_INVALID',
  'RT_BAD_ZONE',
  'RT_BAD_DATE',
  'RT_VERSION_CONFLICT',
  'RT_KIND_CHANGED',
  'RT_ARCHIVED',
  'RT_VALIDITY_ENDED',
  'RT_BAD_QUANTITY',
  'RT_OUT_OF_STOCK',
  'RT_STOCK_MISMATCH',
  'RT_STOCK_TOTAL_TOO_LOW',
  'RT_STOCK_BROKEN',
  'RT_CUSTOMER_CAP',
  'RT_KEY_REUSED',
  'RT_CODE_MALFORMED',
  'RT_CODE_UNKNOWN',
  'RT_NOT_GRANTED',
  'RT_ALREADY_USED',
  'RT_EXPIRED',
  'RT_RECOVERED',
  'RT_NOT_USED',
  'RT_NOT_USABLE',
  'RT_NOT_YET_VALID',
  'RT_NOT_EXPIRED',
  'RT_RESTORE_EXPIRED',
  'RT_ILLEGAL_TRANSITION',
  'RT_BALANCE_NEGATIVE',
  'RT_RECORD_IMMUTABLE',
  // EN: engine (plans, scheduler, executor, runs)
  'EN_PLAN_INVALID',
  'EN_PLAN_STATE',
  'EN_PLAN_CONFLICT',
  'EN_RUN_STATE',
  'EN_AUDIENCE_UNAVAILABLE',
  'EN_CHANNEL_UNKNOWN',
  'EN_NO_ADDRESS',
  'EN_ITEM_FAILED',
  // CH: message channels (webhook, email, outbox and plugin channels)
  'CH_CONFIG_INVALID',
  'CH_UNKNOWN_KIND',
  'CH_DUPLICATE_KIND',
  'CH_DUPLICATE_CHANNEL',
  'CH_NOT_FOUND',
  'CH_CLOSED',
  'CH_NO_ADDRESS',
  'CH_RATE_LIMITED',
  'CH_UNAVAILABLE',
  'CH_TIMEOUT',
  'CH_NETWORK',
  'CH_REJECTED',
  'CH_DEFERRED',
  'CH_AUTH',
  'CH_SMTP',
  'CH_CANCELLED',
  'CH_OUTBOX',
  'CH_OUTBOX_CORRUPT',
  // TP: message templates
  'TP_INVALID',
  'TP_SYNTAX',
  'TP_UNKNOWN_VARIABLE',
  'TP_MISSING_LOCALE',
  'TP_NO_TEXT',
  'TP_EMPTY_BODY',
  'TP_MISSING_SUBJECT',
  'TP_MISSING_VALUE',
  'TP_TOO_LONG',
  // TH: throttle (the rate budget of each downstream)
  'TH_BAD_RATE',
  'TH_MIN_ABOVE_MAX',
  'TH_BAD_IN_FLIGHT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
