import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/client.ts';
import { toServiceError, type ServiceError } from '../api/service-client.ts';
import type { PackageInput, PackageVersion, RightInput, RightKindInfo, RightVersion, StockView } from '../../main/api/service-api.ts';

/**
 * The rights catalog, packages and stocks, kept current by the service's ledger feed (another
 * window, the CLI or a plan run may change them). Rules live in the service; this holds state.
 */
export const useRightsStore = defineStore('rights', () => {
  const kinds = ref<RightKindInfo[]>([]);
  const rights = ref<RightVersion[]>([]);
  const packages = ref<PackageVersion[]>([]);
  const stocks = ref<StockView[]>([]);
  const includeArchived = ref(false);
  const error = ref<ServiceError | null>(null);
  const loading = ref(false);
  /** Bumped on every change of the ledger, so screens showing grants or records can reload. */
  const ledgerVersion = ref(0);
  let stop: (() => void) | undefined;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const archived = { includeArchived: includeArchived.value };
      const [k, r, p, s] = await Promise.all([
        kinds.value.length > 0 ? Promise.resolve(kinds.value) : api().query('rights/list-kinds'),
        api().query('rights/list-rights', archived),
        api().query('rights/list-packages', archived),
        api().query('rights/list-stocks'),
      ]);
      kinds.value = k;
      rights.value = r;
      packages.value = p;
      stocks.value = s;
      error.value = null;
    } catch (e) {
      error.value = toServiceError(e);
    } finally {
      loading.value = false;
    }
  }

  /** Loads now, then again after every change (changes come in bursts: wait a moment). */
  function start(): void {
    stop ??= api().subscribe('rights/watch-ledger', undefined, {
      onData: () => {
        ledgerVersion.value++;
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void load(), 100);
      },
      onError: (e) => (error.value = e),
    });
  }

  async function createRight(input: RightInput): Promise<RightVersion> {
    const right = await api().mutate('rights/create-right', input);
    await load();
    return right;
  }

  async function updateRight(id: string, expectedVersion: number, input: RightInput): Promise<RightVersion> {
    const right = await api().mutate('rights/update-right', { id, expectedVersion, right: input });
    await load();
    return right;
  }

  async function createPackage(input: PackageInput): Promise<PackageVersion> {
    const pkg = await api().mutate('rights/create-package', input);
    await load();
    return pkg;
  }

  async function updatePackage(id: string, expectedVersion: number, input: PackageInput): Promise<PackageVersion> {
    const pkg = await api().mutate('rights/update-package', { id, expectedVersion, package: input });
    await load();
    return pkg;
  }

  async function setStock(owner: { type: 'right' | 'package'; id: string }, total: number): Promise<void> {
    await api().mutate('rights/set-stock', { owner, total });
    await load();
  }

  function kindInfo(kind: string): RightKindInfo | undefined {
    return kinds.value.find((k) => k.kind === kind);
  }

  return { kinds, rights, packages, stocks, includeArchived, error, loading, ledgerVersion, load, start, createRight, updateRight, createPackage, updatePackage, setStock, kindInfo };
});
