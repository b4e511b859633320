import { audienceMethods } from './audiences.ts';
import { auditMethods } from './audit.ts';
import { customerMethods } from './customers.ts';
import { demoMethods } from './demo.ts';
import { importMethods } from './imports.ts';
import { insightMethods } from './insight.ts';
import { periodMethods } from './period.ts';
import { planMethods } from './plans.ts';
import { pluginMethods } from './plugins.ts';
import { runMethods } from './runs.ts';
import { engineMethods } from './engine.ts';
import { governanceMethods } from './governance.ts';
import { rightsMethods } from './rights.ts';
import { settingsMethods } from './settings.ts';
import { syncMethods } from './sync.ts';
import { systemMethods } from './system.ts';

/** Every method of the service API. Add an area's list here. */
export const methods = [...systemMethods, ...settingsMethods, ...demoMethods, ...customerMethods, ...audienceMethods, ...importMethods, ...rightsMethods, ...periodMethods, ...planMethods, ...runMethods, ...engineMethods, ...pluginMethods, ...auditMethods, ...syncMethods, ...governanceMethods, ...insightMethods] as const;
