import { settingsMethods } from './settings.ts';
import { systemMethods } from './system.ts';

/** Every method of the service API. Add an area's list here. */
export const methods = [...systemMethods, ...settingsMethods] as const;
