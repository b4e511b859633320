/**
 * The service API as types only: what the renderer imports (with `import type`).
 * Derived from the method definitions, so the two can never disagree.
 */
import type { z } from 'zod';
import type { MethodDef, MethodKind } from './define.ts';
import type { methods } from './methods.ts';

type Output<D> = D extends MethodDef<'subscription', z.ZodType, infer O>
  ? O
  : D extends { handler: (...args: never[]) => infer R }
    ? Awaited<R>
    : never;

type Defs = (typeof methods)[number];

export type ServiceApi = {
  [D in Defs as D['name']]: { kind: D['kind']; input: z.input<D['input']>; output: Output<D> };
};

export type MethodName = keyof ServiceApi;
export type MethodsOfKind<K extends MethodKind> = {
  [N in MethodName]: ServiceApi[N]['kind'] extends K ? N : never;
}[MethodName];
export type QueryName = MethodsOfKind<'query'>;
export type MutationName = MethodsOfKind<'mutation'>;
export type SubscriptionName = MethodsOfKind<'subscription'>;
export type InputOf<N extends MethodName> = ServiceApi[N]['input'];
export type OutputOf<N extends MethodName> = ServiceApi[N]['output'];

export type { SerializedError } from '../core/errors/campaign-error.ts';
export type { SystemInfo } from './system.ts';
export type { Settings, SettingsPatch } from '../app/settings-store.ts';
export type { AudienceRule, RuleNode, Condition, AttributeField, Comparator } from '../core/audience/rule.ts';
export type { Customer, CustomerEvent, EventType } from '../core/customers/customer.ts';
export type { AudienceDoc } from '../db/schemas/audiences.ts';
export type { FilePreview, ImportJobState } from '../engine/import/import-jobs.ts';
export type { RightKindInfo, GrantResult, CustomerTimeline } from './rights.ts';
export type { RightVersion, RightInput } from '../core/rights/right.ts';
export type { PackageVersion, PackageInput } from '../core/rights/rights-package.ts';
export type { RightKind } from '../core/rights/right-kind.ts';
export type { Grant } from '../core/rights/grant.ts';
export type { GrantState } from '../core/rights/grant-state.ts';
export type { OperationRecord, RecordType, Balances } from '../core/rights/operation-record.ts';
export type { CustomerCap } from '../core/rights/customer-cap.ts';
export type { StockView } from '../engine/rights/rights-inventory.ts';
export type { RecordFilter, RecordPage } from '../engine/rights/records-query.ts';
export type { PeriodInspection, PeriodInspectionOk, PeriodInspectionError, PeriodWindowText } from './period.ts';
export type { PeriodForm, PeriodFormMode, DaySelection, MonthDayValue } from '../core/period/index.ts';
