import type { RxCollection } from 'rxdb';
import type { LeapDayRule } from '../../core/audience/birthday.ts';
import type { CustomerEventDoc } from '../../db/schemas/customer-events.ts';
import type { CustomerDoc } from '../../db/schemas/customers.ts';

/** The collections an audience is evaluated over. */
export interface AudienceData {
  customers: RxCollection<CustomerDoc>;
  events: RxCollection<CustomerEventDoc>;
}

export interface AudienceOptions {
  /** Epoch ms that "today" and "the last N days" refer to. */
  now: number;
  /** A store's IANA zone; `defaultZone` for stores it does not know. */
  zoneOf?: (storeId: string) => string | undefined;
  defaultZone: string;
  leapDay?: LeapDayRule;
  /**
   * `sql` (default): SQL over the SQLite storage's tables when the collections are stored
   * there, else RxDB queries; `rxdb`: always RxDB queries (tests compare the two).
   */
  evaluator?: 'sql' | 'rxdb';
}
