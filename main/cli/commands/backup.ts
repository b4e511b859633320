import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defineCommand } from '../command-module.ts';
import { withDatabase } from '../with-database.ts';

export default defineCommand({
  name: 'backup',
  register(program: Command) {
    program
      .command('backup <file>')
      .description('Copy the database to FILE (the app must be closed; while it runs use Settings > Back up now)')
      .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
      .action(async (file: string, options: { dataDir?: string }) => {
        const target = resolve(file);
        await withDatabase(options.dataDir, (database) => database.backup(target));
        console.log(`Backed up to ${target} (${statSync(target).size} bytes).`);
      });
  },
});
