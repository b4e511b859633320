export { RightsService, machineZone, type RightsServiceOptions, type RepairReport } from './rights-service.ts';
export { RightsCatalog, actorLabel } from './rights-catalog.ts';
export { RightsInventory, type StockView, type StockCorrection } from './rights-inventory.ts';
export { RightsLedger, MAX_BATCH, type BundleOutcome, type GrantRequest, type GrantSubject, type StepJournal } from './rights-ledger.ts';
export { RecordsQuery, recordFilterSchema, type RecordFilter, type RecordPage } from './records-query.ts';
export { recordsToCsv } from './records-csv.ts';
export type { RightsCollections } from './rights-collections.ts';
