export { AuditLog, type AuditEntryInput } from './audit-log.ts';
export { runAuditedCall } from './audit-scope.ts';
export { verifyAuditLog, type AuditVerification, type AuditBrokenLink, type AuditProblem } from './verify-audit-log.ts';
export { searchAuditLog, scanAuditLog, firstAuditEntries, countAuditLog, auditFilterSchema, type AuditFilter, type AuditSearch, type AuditPage } from './audit-query.ts';
export { auditEntriesToCsv } from './audit-csv.ts';
export { diffChanges } from './diff-changes.ts';
