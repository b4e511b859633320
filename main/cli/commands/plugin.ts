import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { apiVersion, type PluginManifest } from '../../../plugins/sdk/campaign-desk-plugin.ts';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { formatMessage, type Locale } from '../../core/i18n/format.ts';
import { writeArchive } from '../../plugins/package/archive.ts';
import { buildPlugin } from '../../plugins/package/build.ts';
import { checkApiRange } from '../../plugins/package/manifest.ts';
import type { PluginPackage } from '../../plugins/package/plugin-package.ts';
import { readPackage } from '../../plugins/package/read-package.ts';
import { scaffoldPlugin } from '../../plugins/package/scaffold.ts';
import { generateKeyPair, publicKeyFromPem, signedFiles, signPackage, verifyPackage, type TrustedKey, type VerifyResult } from '../../plugins/package/signature.ts';
import { defineCommand } from '../command-module.ts';
import { registerHostCommands } from '../plugin-host-commands.ts';
import { cliLocale } from '../locale.ts';

interface JsonOption {
  json?: boolean;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** A warning on stderr in the CLI's language, with the code it would be refused with. */
function warn(error: CampaignError): void {
  process.stderr.write(`warning: ${error.code}: ${error.localized(cliLocale())}\n`);
}

function readTextFile(file: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CampaignError('IM_FILE', { path: resolve(file), reason: (error as Error).message });
  }
}

const KINDS = {
  marketingTypes: 'marketingType',
  audienceConditions: 'audienceCondition',
  timeModes: 'timeMode',
  rightTypes: 'rightType',
  messageChannels: 'messageChannel',
} as const;

function contributions(manifest: PluginManifest, locale: Locale): string {
  const parts = Object.entries(KINDS).flatMap(([key, kind]) =>
    (manifest.contributes[key as keyof typeof KINDS] ?? []).map((id) => `${formatMessage(locale, `plugins.kind.${kind}`)} ${id}`),
  );
  return parts.length > 0 ? parts.join(', ') : '-';
}

function init(name: string, options: { dir?: string }): void {
  const dir = scaffoldPlugin(resolve(options.dir ?? '.'), name);
  print(`created ${dir}`);
  print('next: build and pack it, then run its test:');
  print(`  campaign-desk plugin pack ${dir}`);
  print(`  cd ${dir} && node --test test/`);
}

async function pack(dirArg: string | undefined, options: { out?: string } & JsonOption): Promise<void> {
  const dir = resolve(dirArg ?? '.');
  await buildPlugin(dir);
  const pkg = await readPackage(dir);
  checkApiRange(pkg.manifest, apiVersion);
  const { id, version } = pkg.manifest;
  const out = resolve(options.out ?? join(dir, `${id}-${version}.cdplugin`));
  // Unsigned on purpose: `plugin sign` adds signature.json to the archive.
  await writeArchive(pkg.files, out);
  const bytes = statSync(out).size;
  if (options.json) printJson({ file: out, id, version, files: [...pkg.files.keys()].sort(), bytes });
  else print(`packed ${out}: ${id} ${version}, ${pkg.files.size} files, ${bytes} bytes (unsigned: sign it with campaign-desk plugin sign)`);
}

function keygen(options: { out: string } & JsonOption): void {
  const prefix = resolve(options.out);
  const privateFile = `${prefix}.key.pem`;
  const publicFile = `${prefix}.pub.pem`;
  for (const file of [privateFile, publicFile]) {
    if (existsSync(file)) throw new CampaignError('CLI_USAGE', { reason: `${file} exists; pick another --out prefix (a key is never overwritten)` });
  }
  const keys = generateKeyPair();
  mkdirSync(dirname(prefix), { recursive: true });
  writeFileSync(privateFile, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(publicFile, keys.publicKeyPem, { flag: 'wx' });
  if (options.json) {
    printJson({ keyId: keys.keyId, privateKey: privateFile, publicKey: publicFile });
    return;
  }
  print(`key id   ${keys.keyId}`);
  print(`private  ${privateFile}  (keep it secret, outside plugin folders)`);
  print(`public   ${publicFile}  (give it to the stores that should trust your plugins)`);
}

async function sign(file: string, options: { key: string; publisher: string; out?: string } & JsonOption): Promise<void> {
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new CampaignError('CLI_USAGE', { reason: `${path} is a folder: sign the .cdplugin that campaign-desk plugin pack wrote` });
  }
  const pkg = await readPackage(path);
  const signature = signPackage(pkg, readTextFile(options.key), options.publisher, resolve(options.key));
  const out = resolve(options.out ?? path);
  await writeArchive(signedFiles(pkg, signature), out);
  if (options.json) printJson({ file: out, id: pkg.manifest.id, version: pkg.manifest.version, publisher: signature.publisher, keyId: signature.keyId });
  else print(`signed ${out}: ${pkg.manifest.id} ${pkg.manifest.version} as "${signature.publisher}" with key ${signature.keyId}`);
}

function report(pkg: PluginPackage, result: VerifyResult, locale: Locale, json: boolean | undefined): void {
  const m = pkg.manifest;
  const signature = pkg.signature ? { algorithm: pkg.signature.algorithm, publisher: pkg.signature.publisher, keyId: pkg.signature.keyId } : null;
  if (json) {
    printJson({ id: m.id, version: m.version, name: m.name, publisher: m.publisher, apiVersion: m.apiVersion, entry: m.entry, contributes: m.contributes, files: [...pkg.files.keys()].sort(), signature, trust: result.trust });
    return;
  }
  print(`id           ${m.id}`);
  print(`name         ${m.name[locale]}`);
  print(`version      ${m.version}`);
  print(`publisher    ${m.publisher}`);
  print(`api          ${m.apiVersion} (this app: ${apiVersion})`);
  print(`contributes  ${contributions(m, locale)}`);
  print(`signature    ${signature ? `valid, ${signature.algorithm} key ${signature.keyId}` : 'none'}`);
  print(`trust        ${result.trust}`);
  print(`files        ${pkg.files.size}`);
  for (const path of [...pkg.files.keys()].sort()) print(`  ${String(pkg.files.get(path)?.length ?? 0).padStart(9)}  ${path}`);
}

async function verify(file: string, options: { trust: string[]; publisher?: string } & JsonOption): Promise<void> {
  const pkg = await readPackage(file);
  checkApiRange(pkg.manifest, apiVersion);
  // A key given here is trusted for --publisher, or for the publisher the package names.
  const publisher = options.publisher ?? pkg.manifest.publisher;
  const trusted: TrustedKey[] = options.trust.map((pem) => ({ publisher, ...publicKeyFromPem(readTextFile(pem), resolve(pem)) }));
  const result = verifyPackage(pkg, trusted);
  report(pkg, result, cliLocale(), options.json);
  const id = pkg.manifest.id;
  if (result.trust === 'unsigned') warn(new CampaignError('PL_SIGNATURE_MISSING', { id }));
  if (result.trust === 'untrusted') {
    const untrusted = new CampaignError('PL_UNTRUSTED_PUBLISHER', { id, publisher: result.publisher ?? '', keyId: result.keyId ?? '' });
    // Asked to check against keys and none of them signed it: a refusal. Without keys, a warning.
    if (trusted.length > 0) throw untrusted;
    warn(untrusted);
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds the package tools to `plugin`: init, pack, keygen, sign and verify. */
export function registerPackageCommands(plugin: Command): void {
  plugin
    .command('init <name>')
    .description('Create a plugin folder NAME (id com.example.NAME) with a working marketing type, its test and the SDK')
    .option('--dir <dir>', 'where to create it (default: the current folder)')
    .action(init);
  plugin
    .command('pack [dir]')
    .description("Build DIR's src/index.ts into its entry and write an unsigned <id>-<version>.cdplugin (default DIR: the current folder)")
    .option('--out <file>', 'the archive to write (default: DIR/<id>-<version>.cdplugin)')
    .option('--json', 'print JSON')
    .action(pack);
  plugin
    .command('keygen')
    .description('Make an ed25519 publisher key pair: PREFIX.key.pem (private, mode 0600) and PREFIX.pub.pem')
    .requiredOption('--out <prefix>', 'path and name of the key files, without extension')
    .option('--json', 'print JSON')
    .action(keygen);
  plugin
    .command('sign <file>')
    .description('Sign a .cdplugin with a private key: adds signature.json (rewrites FILE unless --out)')
    .requiredOption('--key <key.pem>', 'the private key (from plugin keygen)')
    .requiredOption('--publisher <name>', "the publisher signing it: must be plugin.json's publisher")
    .option('--out <file>', 'write the signed archive here instead')
    .option('--json', 'print JSON')
    .action(sign);
  plugin
    .command('verify <path>')
    .description('Check a .cdplugin or plugin folder: manifest, API range, files, signature and trust. Exit 0 when valid (with a warning when unsigned, or signed by a key not given with --trust); 2 when refused, also when --trust keys are given and none signed it')
    .option('--trust <pub.pem>', 'a trusted publisher public key (repeatable)', collect, [])
    .option('--publisher <name>', "the publisher the --trust keys belong to (default: the package's)")
    .option('--json', 'print JSON')
    .action(verify);
}

export default defineCommand({
  name: 'plugin',
  register(program: Command) {
    const plugin = program.command('plugin').description('Plugins: create, build, sign and verify packages; install and manage them in a data dir');
    registerPackageCommands(plugin);
    registerHostCommands(plugin);
  },
});
