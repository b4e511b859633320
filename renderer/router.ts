import type { Component } from 'vue';
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import DashboardView from './views/DashboardView.vue';
import SettingsView from './views/SettingsView.vue';
import CustomersView from './views/customers/CustomersView.vue';
import AudiencesView from './views/audiences/AudiencesView.vue';
import RightsView from './views/rights/RightsView.vue';
import RecordsView from './views/records/RecordsView.vue';
import RunsView from './views/runs/RunsView.vue';
import PlansView from './views/plans/PlansView.vue';
import PlanEditor from './views/plans/PlanEditor.vue';
import PluginsView from './views/plugins/PluginsView.vue';
import AuditView from './views/audit/AuditView.vue';
import SyncView from './views/sync/SyncView.vue';
import TimeExpressionsView from './views/settings/TimeExpressionsView.vue';
import EngineSettingsView from './views/settings/EngineSettingsView.vue';
import GovernanceSettingsView from './views/settings/GovernanceSettingsView.vue';

/** The left navigation, in order. */
export const navItems = [
  { name: 'dashboard', path: '/', icon: 'Odometer' },
  { name: 'plans', path: '/plans', icon: 'Calendar' },
  { name: 'audiences', path: '/audiences', icon: 'UserFilled' },
  { name: 'customers', path: '/customers', icon: 'User' },
  { name: 'rights', path: '/rights', icon: 'Present' },
  { name: 'records', path: '/records', icon: 'Document' },
  { name: 'runs', path: '/runs', icon: 'VideoPlay' },
  { name: 'plugins', path: '/plugins', icon: 'Grid' },
  { name: 'audit', path: '/audit', icon: 'Lock' },
  { name: 'sync', path: '/sync', icon: 'Refresh' },
  { name: 'settings', path: '/settings', icon: 'Setting' },
] as const;

export type NavName = (typeof navItems)[number]['name'];

/** The view of each section. */
const views: Record<NavName, Component> = {
  dashboard: DashboardView,
  plans: PlansView,
  audiences: AudiencesView,
  customers: CustomersView,
  rights: RightsView,
  records: RecordsView,
  runs: RunsView,
  plugins: PluginsView,
  audit: AuditView,
  sync: SyncView,
  settings: SettingsView,
};

const routes: RouteRecordRaw[] = navItems.map((item) => ({ path: item.path, name: item.name, component: views[item.name] }));
// A plan's editor (new, or one saved plan) and its detail over the list.
routes.push({ path: '/plans/new', name: 'plan-new', component: PlanEditor });
routes.push({ path: '/plans/:id/edit', name: 'plan-edit', component: PlanEditor, props: true });
routes.push({ path: '/plans/:id', name: 'plan-detail', component: PlansView, props: true });
routes.push({ path: '/settings/time', name: 'settings-time', component: TimeExpressionsView });
routes.push({ path: '/settings/engine', name: 'settings-engine', component: EngineSettingsView });
routes.push({ path: '/settings/governance', name: 'settings-governance', component: GovernanceSettingsView });
routes.push({ path: '/:rest(.*)*', redirect: '/' });

// Hash history: works from Electron's app:// protocol and browser mode alike.
export const router = createRouter({ history: createWebHashHistory(), routes });
