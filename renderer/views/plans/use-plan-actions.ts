import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import { ElMessage, ElMessageBox } from 'element-plus';
import { api } from '../../api/client.ts';
import { useErrorText } from '../../composables/useErrorText.ts';
import type { PlanCommand } from './plan-format.ts';
import type { Plan } from './types.ts';

/**
 * What a person can do to a plan from the list or its detail: activate, pause, resume, run
 * now, duplicate and cancel (after a confirmation), each told in a message. `done` runs after
 * a command went through, so the screen reloads.
 */
export function usePlanActions(done: (plan: Plan | null) => void | Promise<void>) {
  const { t } = useI18n();
  const router = useRouter();
  const errorText = useErrorText();
  /** The plan a command is in progress for (its buttons show a spinner). */
  const busy = ref<string | null>(null);

  async function confirmCancel(plan: Pick<Plan, 'name'>): Promise<boolean> {
    try {
      await ElMessageBox.confirm(t('plansUi.cancelConfirm', { plan: plan.name }), t('plansUi.cancelTitle'), {
        type: 'warning',
        confirmButtonText: t('plansUi.cancelOk'),
        cancelButtonText: t('plansUi.cancelKeep'),
      });
      return true;
    } catch {
      return false;
    }
  }

  async function run(plan: Pick<Plan, 'id' | 'name'>, command: PlanCommand): Promise<void> {
    if (command === 'edit') {
      await router.push(`/plans/${plan.id}/edit`);
      return;
    }
    if (command === 'cancel' && !(await confirmCancel(plan))) return;
    busy.value = plan.id;
    try {
      const id = { id: plan.id };
      let changed: Plan | null = null;
      switch (command) {
        case 'activate':
          changed = await api().mutate('plans/activate-plan', id);
          break;
        case 'pause':
          changed = await api().mutate('plans/pause-plan', id);
          break;
        case 'resume':
          changed = await api().mutate('plans/resume-plan', id);
          break;
        case 'cancel':
          changed = await api().mutate('plans/cancel-plan', id);
          break;
        case 'runNow':
          await api().mutate('plans/run-now', id);
          break;
        case 'duplicate': {
          const copy = await api().mutate('plans/duplicate-plan', id);
          ElMessage.success(t('plansUi.done.duplicate', { plan: copy.name }));
          await done(copy);
          await router.push(`/plans/${copy.id}`);
          return;
        }
      }
      ElMessage.success(t(`plansUi.done.${command}`, { plan: plan.name }));
      await done(changed);
    } catch (e) {
      ElMessage.error(errorText(e));
    } finally {
      busy.value = null;
    }
  }

  return { busy, run };
}
