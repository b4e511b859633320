import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage, ElMessageBox } from 'element-plus';
import { api } from '../../api/client.ts';
import { useErrorText } from '../../composables/useErrorText.ts';
import type { RunView } from './types.ts';

/**
 * Pause, resume, cancel (after a confirmation) and retry of a run, with the outcome told in a
 * message. The runs feed shows the new state by itself.
 */
export function useRunActions() {
  const { t } = useI18n();
  const errorText = useErrorText();
  /** The run an action is in progress for (its buttons show a spinner). */
  const busy = ref<string | null>(null);

  async function act(runId: string, work: () => Promise<string>): Promise<boolean> {
    busy.value = runId;
    try {
      ElMessage.success(await work());
      return true;
    } catch (e) {
      ElMessage.error(errorText(e));
      return false;
    } finally {
      busy.value = null;
    }
  }

  function pause(run: Pick<RunView, 'id'>): Promise<boolean> {
    return act(run.id, async () => {
      await api().mutate('runs/pause-run', { id: run.id });
      return t('runsUi.paused');
    });
  }

  function resume(run: Pick<RunView, 'id'>): Promise<boolean> {
    return act(run.id, async () => {
      await api().mutate('runs/resume-run', { id: run.id });
      return t('runsUi.resumed');
    });
  }

  async function cancel(run: Pick<RunView, 'id' | 'plan'>): Promise<boolean> {
    try {
      await ElMessageBox.confirm(t('runsUi.cancelConfirm', { plan: run.plan.name }), t('runsUi.cancelTitle'), {
        type: 'warning',
        confirmButtonText: t('runsUi.cancelOk'),
        cancelButtonText: t('runsUi.cancelKeep'),
      });
    } catch {
      return false; // kept
    }
    return act(run.id, async () => {
      await api().mutate('runs/cancel-run', { id: run.id });
      return t('runsUi.cancelled');
    });
  }

  /** Failed items (all, or those customers) get another full set of tries. */
  function retry(runId: string, customerIds?: string[]): Promise<boolean> {
    return act(runId, async () => {
      const { items } = await api().mutate('runs/retry-items', customerIds ? { id: runId, customerIds } : { id: runId });
      return items > 0 ? t('runsUi.retried', { n: items }) : t('runsUi.nothingToRetry');
    });
  }

  return { busy, pause, resume, cancel, retry };
}
