import type { Command } from 'commander';
import { clearDemo, seedDemo } from '../../app/demo.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { defineCommand } from '../command-module.ts';
import { withDatabase } from '../with-database.ts';

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CampaignError('CLI_USAGE', { reason: `${name} must be a positive integer, got "${text}"` });
  return n;
}

export default defineCommand({
  name: 'demo',
  register(program: Command) {
    const demo = program.command('demo').description('Generate or remove a demo chain (zh-CN customers with behaviour)');
    demo
      .command('seed')
      .description('Generate stores, customers and their events (same seed, same data)')
      .option('--stores <n>', 'number of stores', '3')
      .option('--customers <n>', 'number of customers', '50000')
      .option('--seed <n>', 'random seed', '20261125')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action(async (options: { stores: string; customers: string; seed: string; dataDir?: string }) => {
        const stores = positive('--stores', options.stores);
        const customers = positive('--customers', options.customers);
        const seed = positive('--seed', options.seed);
        const result = await withDatabase(options.dataDir, (database) =>
          seedDemo(database, {
            stores,
            customers,
            seed,
            now: Date.now(),
            onProgress: (done) => process.stderr.isTTY && process.stderr.write(`\r${done} / ${customers} customers`),
          }),
        );
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`Demo chain written: ${stores} stores, ${result.customers} customers, ${result.events} events.`);
      });
    demo
      .command('clear')
      .description('Remove the demo customers and their events (imported data stays)')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action(async (options: { dataDir?: string }) => {
        const removed = await withDatabase(options.dataDir, (database) => clearDemo(database));
        console.log(`Removed ${removed.customers} demo customers and ${removed.events} events.`);
      });
  },
});
