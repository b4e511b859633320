import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { importFile, type ImportKind } from '../../engine/import/import-file.ts';
import { rxdbImportSink } from '../../engine/import/rxdb-sink.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { defineCommand } from '../command-module.ts';
import { withDatabase } from '../with-database.ts';

interface ImportOptions {
  dataDir?: string;
  encoding: 'auto' | 'utf8' | 'gbk';
  map?: string[];
  errors?: string;
  store: string;
  zone: string;
  json?: boolean;
}

function parseMapping(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CampaignError('CLI_USAGE', { reason: `--map takes field=column, got "${pair}"` });
    mapping[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return mapping;
}

async function run(kind: ImportKind, file: string, options: ImportOptions): Promise<void> {
  const path = resolve(file);
  const errorPath = resolve(options.errors ?? `${path.replace(/\.csv$/i, '')}.errors.csv`);
  const mapping = parseMapping(options.map);
  const result = await withDatabase(options.dataDir, (database) =>
    importFile({
      kind,
      path,
      sink: rxdbImportSink(database.collections),
      errorPath,
      encoding: options.encoding,
      zone: options.zone,
      defaultStoreId: options.store,
      now: new Date().toISOString(),
      ...(mapping ? { mapping } : {}),
      onProgress: (p) => {
        if (!options.json && process.stderr.isTTY) process.stderr.write(`\r${p.rows} rows, ${p.imported} imported, ${p.failed} refused (${Math.round((100 * p.bytesRead) / Math.max(1, p.bytesTotal))}%)`);
      },
    }),
  );
  if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
  if (options.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`${result.rows} rows read, ${result.imported} imported, ${result.failed} refused.`);
    if (result.errorFile) console.log(`Refused rows, with line, column and reason: ${result.errorFile}\nFix them there and import that file again.`);
  }
  if (result.failed > 0) process.exitCode = 2;
}

export default defineCommand({
  name: 'import',
  register(program: Command) {
    const command = program.command('import').description('Import customers or behaviour events from CSV (UTF-8, UTF-8 with BOM, or GBK)');
    for (const kind of ['customers', 'events'] as const) {
      command
        .command(`${kind} <file>`)
        .description(`Import ${kind}; re-importing the same file changes nothing`)
        .option('--data-dir <dir>', 'data directory (default: ~/.campaign-desk)')
        .addOption(new Option('--encoding <encoding>', 'file encoding').choices(['auto', 'utf8', 'gbk']).default('auto'))
        .option('--map <field=column...>', 'use this column for a field (repeatable), e.g. --map externalId=卡号')
        .option('--errors <file>', 'where to write refused rows (default: FILE.errors.csv)')
        .option('--store <id>', 'store for rows without a store column', 'S01')
        .option('--zone <zone>', 'time zone of local times in the file', 'Asia/Shanghai')
        .option('--json', 'print the summary as JSON')
        .action((file: string, options: ImportOptions) => run(kind, file, options));
    }
  },
});
