import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../app/paths.ts';
import { encodeArchive, readArchive } from '../../plugins/package/archive.ts';
import { sampleManifest, samplePackageFiles } from '../../plugins/package/sample-package.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { main } from '../index.ts';

const env = { ...process.env, LANG: 'en_US.UTF-8', CAMPAIGN_DESK_LANG: '' };

/** The real command in a child process, as a user runs it. */
function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(appRoot, 'bin/campaign-desk.mjs'), 'plugin', ...args], { cwd, encoding: 'utf8', env });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** The same CLI in this process (much faster), with its output captured. */
async function run(...args: string[]) {
  let out = '';
  let err = '';
  vi.stubEnv('CAMPAIGN_DESK_LANG', 'en');
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await main(['node', 'campaign-desk', 'plugin', ...args]);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    vi.unstubAllEnvs();
  }
}

function tempDir(): string {
  const dir = makeTempDir();
  onTestFinished(() => dir.remove());
  return dir.path;
}

describe('campaign-desk plugin', () => {
  it('init → pack → (the plugin\'s own test) → keygen → sign → verify --trust → trust → install → list → uninstall', async () => {
    const root = tempDir();
    const init = cli(root, 'init', 'win-back');
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    const dir = join(root, 'win-back');

    const pack = cli(dir, 'pack');
    expect(pack.err).toBe('');
    expect(pack.out).toContain(`packed ${join(dir, 'com.example.win-back-0.1.0.cdplugin')}: com.example.win-back 0.1.0, 8 files`);
    const archive = join(dir, 'com.example.win-back-0.1.0.cdplugin');

    const test = spawnSync(process.execPath, ['--test', 'test/'], { cwd: dir, encoding: 'utf8' });
    expect(test.stdout).toMatch(/# pass 2\n# fail 0/);
    expect(test.status).toBe(0);

    const keygen = cli(root, 'keygen', '--out', 'keys/../acme', '--json');
    expect(keygen.code).toBe(0);
    const keys = JSON.parse(keygen.out) as { keyId: string; privateKey: string; publicKey: string };
    expect(keys).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), privateKey: join(root, 'acme.key.pem'), publicKey: join(root, 'acme.pub.pem') });
    expect(statSync(keys.privateKey).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys.publicKey, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const sign = cli(dir, 'sign', archive, '--key', keys.privateKey, '--publisher', 'Example');
    expect(sign.err).toBe('');
    expect(sign.out).toContain(`as "Example" with key ${keys.keyId}`);

    const verify = cli(root, 'verify', archive, '--trust', keys.publicKey);
    expect(verify.err).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^id +com\.example\.win-back$/m);
    expect(verify.out).toMatch(/^version +0\.1\.0$/m);
    expect(verify.out).toMatch(/^publisher +Example$/m);
    expect(verify.out).toMatch(/^contributes +marketing type win-back$/m);
    expect(verify.out).toMatch(new RegExp(`^signature +valid, ed25519 key ${keys.keyId}$`, 'm'));
    expect(verify.out).toMatch(/^trust +trusted$/m);
    expect(verify.out).toMatch(/^files +8$/m);
    expect(verify.out).toMatch(/^ +\d+ +dist\/plugin\.js$/m);
    // The signed archive holds the packed files plus signature.json, and nothing of the keys.
    expect([...(await readArchive(readFileSync(archive), 'a')).keys()]).toContain('signature.json');
    expect(readdirSync(dir)).not.toContain('acme.key.pem');

    // → install into a data dir: refused until the publisher's key is trusted, then installed and running.
    const dataDir = join(root, 'data');
    const refused = cli(root, 'install', archive, '--data-dir', dataDir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('PL_UNTRUSTED_PUBLISHER');
    expect(cli(root, 'trust', keys.publicKey, '--publisher', 'Example', '--data-dir', dataDir).out).toContain(`trusted Example ${keys.keyId}`);
    const install = cli(root, 'install', archive, '--data-dir', dataDir, '--json');
    expect(install.err).toBe('');
    const installed = JSON.parse(install.out) as { plugin: { id: string; trust: string; state: string; contributions: { kind: string; id: string }[] } };
    expect(installed.plugin).toMatchObject({ id: 'com.example.win-back', trust: 'trusted', state: 'enabled' });
    expect(installed.plugin.contributions).toEqual([expect.objectContaining({ kind: 'marketingType', id: 'win-back' })]);
    expect(cli(root, 'list', '--data-dir', dataDir).out).toMatch(/^com\.example\.win-back {2}0\.1\.0 {2}Enabled {2}Signed by a trusted publisher/m);
    expect(cli(root, 'uninstall', 'com.example.win-back', '--data-dir', dataDir).out).toContain('uninstalled com.example.win-back');
  }, 180_000);

  it('verify: unsigned and untrusted are warnings without --trust; tampering and a foreign key are refused', async () => {
    const root = tempDir();
    const keys = JSON.parse((await run('keygen', '--out', join(root, 'k'), '--json')).out) as { privateKey: string; publicKey: string };
    const other = JSON.parse((await run('keygen', '--out', join(root, 'other'), '--json')).out) as { publicKey: string };
    const file = join(root, 'sample.cdplugin');
    writeFileSync(file, encodeArchive(samplePackageFiles()));

    const unsigned = await run('verify', file, '--json');
    expect(unsigned.code).toBe(0);
    expect(JSON.parse(unsigned.out)).toMatchObject({ id: 'com.example.sample', trust: 'unsigned', signature: null, files: ['README.md', 'dist/plugin.js', 'plugin.json'] });
    expect(unsigned.err).toContain('warning: PL_SIGNATURE_MISSING');

    expect((await run('sign', file, '--key', keys.privateKey, '--publisher', 'Example Co')).code).toBe(0);
    const untrusted = await run('verify', file);
    expect(untrusted.code).toBe(0);
    expect(untrusted.out).toMatch(/^trust +untrusted$/m);
    expect(untrusted.err).toContain('warning: PL_UNTRUSTED_PUBLISHER');
    const foreign = await run('verify', file, '--trust', other.publicKey);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toContain('PL_UNTRUSTED_PUBLISHER: Plugin com.example.sample is signed by Example Co with key');
    const otherPublisher = await run('verify', file, '--trust', keys.publicKey, '--publisher', 'Someone Else');
    expect(otherPublisher.code).toBe(2);
    expect(otherPublisher.err).toContain('PL_SIGNATURE_INVALID');

    // One byte of the entry changed after signing.
    const files = await readArchive(readFileSync(file), 'a');
    const entry = Buffer.from(files.get('dist/plugin.js')!);
    entry[0] = entry[0]! ^ 1;
    files.set('dist/plugin.js', entry);
    writeFileSync(file, encodeArchive(files));
    const tampered = await run('verify', file, '--trust', keys.publicKey);
    expect(tampered.code).toBe(2);
    expect(tampered.out).toBe('');
    expect(tampered.err).toContain('PL_SIGNATURE_INVALID: The signature of plugin com.example.sample does not match its contents');
  });

  it('refuses bad packages and bad input with their codes, exit 2', async () => {
    const root = tempDir();
    const write = (name: string, files: Map<string, Buffer>) => {
      writeFileSync(join(root, name), encodeArchive(files));
      return join(root, name);
    };
    const noEntry = samplePackageFiles();
    noEntry.delete('dist/plugin.js');
    const cases: [string[], string][] = [
      [['verify', write('api.cdplugin', samplePackageFiles(sampleManifest({ apiVersion: '^2.0.0' })))], 'PL_API_MISMATCH: Plugin com.example.sample needs plugin API ^2.0.0'],
      [['verify', write('id.cdplugin', samplePackageFiles({ ...sampleManifest(), id: 'Sample' }))], 'PL_MANIFEST_INVALID: plugin.json is invalid at "id"'],
      [['verify', write('entry.cdplugin', noEntry)], 'PL_ENTRY_MISSING'],
      [['verify', join(root, 'missing.cdplugin')], 'IM_FILE'],
      [['sign', write('s.cdplugin', samplePackageFiles()), '--key', write('bad.key.pem', new Map()), '--publisher', 'Example Co'], 'PL_KEY_INVALID'],
      [['pack', root], 'PL_MANIFEST_MISSING'],
    ];
    for (const [args, error] of cases) {
      const result = await run(...args);
      expect({ args, code: result.code, err: result.err }).toEqual({ args, code: 2, err: expect.stringContaining(error) });
    }
  });

  it('init refuses a folder that is not empty; keygen never overwrites a key; sign only as the manifest\'s publisher', async () => {
    const root = tempDir();
    expect((await run('init', 'hello', '--dir', root)).code).toBe(0);
    const again = await run('init', 'hello', '--dir', root);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`PL_SCAFFOLD_EXISTS: ${join(root, 'hello')} already exists`);

    const key = join(root, 'k');
    expect((await run('keygen', '--out', key)).code).toBe(0);
    const before = readFileSync(`${key}.key.pem`, 'utf8');
    const overwrite = await run('keygen', '--out', key);
    expect(overwrite.code).toBe(2);
    expect(overwrite.err).toContain('CLI_USAGE');
    expect(readFileSync(`${key}.key.pem`, 'utf8')).toBe(before);

    const file = join(root, 'sample.cdplugin');
    writeFileSync(file, encodeArchive(samplePackageFiles()));
    const wrong = await run('sign', file, '--key', `${key}.key.pem`, '--publisher', 'Mallory');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('PL_MANIFEST_INVALID: plugin.json is invalid at "publisher"');
    expect([...(await readArchive(readFileSync(file), 'a')).keys()]).not.toContain('signature.json');
  });
});
