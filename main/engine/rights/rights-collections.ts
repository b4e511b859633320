import type { RxCollection } from 'rxdb';
import type { StockDoc } from '../../db/schemas/allotments.ts';
import type { GrantDoc } from '../../db/schemas/grants.ts';
import type { MessageDoc } from '../../db/schemas/messages.ts';
import type { RecordDoc } from '../../db/schemas/operation-records.ts';
import type { PackageDoc } from '../../db/schemas/rights-packages.ts';
import type { RightDoc } from '../../db/schemas/rights.ts';

/** The collections of the app database that the rights platform owns (names as in `collectionDefinitions`). */
export interface RightsCollections {
  rights: RxCollection<RightDoc>;
  rightsPackages: RxCollection<PackageDoc>;
  grants: RxCollection<GrantDoc>;
  operationRecords: RxCollection<RecordDoc>;
  allotments: RxCollection<StockDoc>;
  /** The engine's messages: a sent message is the record of its send (see `RecordsQuery`). */
  messages?: RxCollection<MessageDoc>;
}
