import type { AppServices } from '../app/services.ts';

/** What every API handler gets: the app's services. Transports create one per connection. */
export interface ApiContext {
  readonly services: AppServices;
  /** Which transport the call came in on (for the audit log). */
  readonly transport: 'ipc' | 'http' | 'ws' | 'in-process';
}
