import type { Command } from 'commander';
import type { Plan } from '../../core/plans/plan.ts';
import type { Run } from '../../core/plans/run.ts';
import { NEVER } from '../../db/schemas/schema-fields.ts';
import { cliActor } from '../cli-actor.ts';
import { defineCommand } from '../command-module.ts';
import { readJsonFile } from '../read-json-file.ts';
import { withServices } from '../with-services.ts';
import { formatMessage } from '../../core/i18n/format.ts';
import { cliLocale } from '../locale.ts';

interface PlanCliOptions {
  dataDir?: string;
  zone: string;
  json?: boolean;
}

const when = (at: number) => (at === 0 || at === NEVER ? '-' : new Date(at).toISOString());

/** A label from the engine's message tables in the CLI's language (statuses, states, skip reasons). */
const label = (key: string) => formatMessage(cliLocale(), `engine.${key}`);

function printPlan(plan: Plan, options: PlanCliOptions): void {
  if (options.json) console.log(JSON.stringify(plan, null, 2));
  else console.log(`${plan.id}  ${label(`planStatus.${plan.status}`)}  v${plan.version}  next ${when(plan.nextFireAt)}  ${plan.name}`);
}

function printRun(run: Run): void {
  const c = run.counts;
  const skipped = Object.entries(run.skippedBy).map(([k, v]) => `${label(`reason.${k}`)} ${v}`).join(', ');
  const error = run.lastError ? `  ${run.lastError.code}: ${run.lastError.message}` : '';
  console.log(`${run.id}  ${label(`runState.${run.state}`)}  ${when(run.scheduledAt)}  total ${c.total}  done ${c.done}  granted ${c.granted}  sent ${c.sent}  skipped ${c.skipped}${skipped ? ` (${skipped})` : ''}  failed ${c.failed}  retry ${c.retry}  waiting ${c.waiting}${error}`);
}

function common(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
    .option('--zone <zone>', "the stores' time zone", 'Asia/Shanghai')
    .option('--json', 'print JSON');
}

export default defineCommand({
  name: 'plan',
  register(program: Command) {
    const plan = program.command('plan').description('Operation plans: create, activate, dry-run and run them (the app must not be running on the data dir)');
    common(plan.command('list').description('Plans, newest edit first')).action(async (options: PlanCliOptions) => {
      const plans = await withServices(options, (s) => s.engine.plans.list());
      if (options.json) console.log(JSON.stringify(plans, null, 2));
      else for (const p of plans) printPlan(p, options);
    });
    common(plan.command('create <file>').description('Create a draft from PLAN.json (see README "Plans")')).action(async (file: string, options: PlanCliOptions) => {
      const input = readJsonFile(file, 'EN_PLAN_INVALID');
      printPlan(await withServices(options, (s) => s.engine.plans.create(input, cliActor())), options);
    });
    for (const verb of ['activate', 'pause', 'resume', 'cancel'] as const) {
      common(plan.command(`${verb} <id>`).description(`${verb[0]?.toUpperCase()}${verb.slice(1)} a plan`)).action(async (id: string, options: PlanCliOptions) => {
        printPlan(await withServices(options, (s) => s.engine.plans[verb](id, cliActor())), options);
      });
    }
    // Governance: an approver decides on a plan waiting for approval (audited, with the comment).
    for (const verb of ['approve', 'reject'] as const) {
      common(plan.command(`${verb} <id>`).description(verb === 'approve' ? 'Approve a plan waiting for approval: it is scheduled' : 'Reject a plan waiting for approval: back to draft (a comment is required)'))
        .option('--comment <text>', 'why (kept in the plan and the audit log)', '')
        .action(async (id: string, options: PlanCliOptions & { comment: string }) => {
          printPlan(await withServices(options, (s) => s.engine.governance[verb](id, cliActor(), options.comment)), options);
        });
    }
    common(plan.command('dry-run <id>').description("What the plan's next occurrence would do")).action(async (id: string, options: PlanCliOptions) => {
      const dry = await withServices(options, (s) => s.engine.dryRun(id));
      if (options.json) {
        console.log(JSON.stringify(dry, null, 2));
        return;
      }
      console.log(`occurrence ${when(dry.at)}  audience ${dry.audienceSize}  items ${dry.items}  control group ${dry.holdout}  rights value ${(dry.rightsValueCents / 100).toFixed(2)} yuan`);
      for (const r of dry.rights) console.log(`rights ${r.actionId}: ${r.name} needed ${r.needed}, remaining ${r.remaining ?? 'unlimited'}${r.enough ? '' : '  NOT ENOUGH'}`);
      for (const m of dry.messages) console.log(`messages ${m.actionId} (${m.channel} via ${m.via}): ${m.sendable} sendable, skipped ${JSON.stringify(m.skippedBy)}`);
      if (dry.quietUntil !== null) console.log(`quiet hours: messages wait until ${when(dry.quietUntil)}`);
      console.log(`expected finish ${when(dry.expectedFinishAt)} (${dry.seconds.toFixed(0)} s at ${dry.rate.toFixed(1)}/s)`);
    });
    common(plan.command('run <id>').description('Fire due plans, run this plan now and work until nothing is left to do now')).action(async (id: string, options: PlanCliOptions) => {
      const run = await withServices(options, async (s) => {
        await s.engine.scheduler.tick();
        const runId = await s.engine.runNow(id);
        await s.engine.executor.drain();
        return s.engine.runs.get(runId);
      });
      if (options.json) console.log(JSON.stringify(run, null, 2));
      else printRun(run);
      if (run.state === 'failed') process.exitCode = 1;
    });
    common(plan.command('runs [id]').description('Runs (of one plan), newest first')).action(async (id: string | undefined, options: PlanCliOptions) => {
      const runs = await withServices(options, (s) => s.engine.runs.list(id ? { planId: id } : {}));
      if (options.json) console.log(JSON.stringify(runs, null, 2));
      else for (const r of runs) printRun(r);
    });
  },
});
