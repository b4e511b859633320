/** The shapes the Plugins screen works with, from the service API's own types. */
import type { OutputOf } from '../../../main/api/service-api.ts';

export type PluginInfo = OutputOf<'plugins/list-plugins'>[number];
export type PluginState = PluginInfo['state'];
export type PluginTrust = PluginInfo['trust'];
export type PackageInspection = OutputOf<'plugins/inspect-package'>;
export type InstallResult = OutputOf<'plugins/install-plugin'>;
export type TrustedKey = OutputOf<'plugins/list-trusted-keys'>[number];
export type Contributes = PluginInfo['contributes'];
