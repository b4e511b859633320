import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { encodeArchive, writeArchive } from './archive.ts';
import { readPackage } from './read-package.ts';
import { sampleManifest, samplePackageFiles, SAMPLE_ENTRY } from './sample-package.ts';

function tempDir(): string {
  const dir = makeTempDir();
  onTestFinished(() => dir.remove());
  return dir.path;
}

function writeFolder(dir: string, files: Map<string, Buffer>): void {
  for (const [path, data] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
}

/** Every path under `dir`, to show that reading wrote nothing. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('readPackage', () => {
  it('reads a folder: everything but node_modules, dot-files, .cdplugin files and private keys', async () => {
    const dir = tempDir();
    writeFolder(dir, samplePackageFiles());
    writeFolder(dir, new Map([
      ['src/index.ts', Buffer.from('export {}')],
      ['node_modules/x/index.js', Buffer.from('x')],
      ['.git/HEAD', Buffer.from('ref')],
      ['.env', Buffer.from('SECRET=1')],
      ['com.example.sample-1.2.3.cdplugin', Buffer.from('old')],
      ['me.key.pem', Buffer.from('-----BEGIN PRIVATE KEY-----')],
    ]));
    const pkg = await readPackage(dir);
    expect([...pkg.files.keys()].sort()).toEqual(['README.md', 'dist/plugin.js', 'plugin.json', 'src/index.ts']);
    expect(pkg.manifest.id).toBe('com.example.sample');
    expect(pkg.entrySource).toBe(SAMPLE_ENTRY);
    expect(pkg.signature).toBeNull();
  });

  it('reads a .cdplugin file and archive bytes', async () => {
    const dir = tempDir();
    const file = join(dir, 'sample.cdplugin');
    await writeArchive(samplePackageFiles(), file);
    expect((await readPackage(file)).files).toEqual(samplePackageFiles());
    const fromBytes = await readPackage({ fileName: 'upload.cdplugin', data: encodeArchive(samplePackageFiles()) });
    expect(fromBytes.manifest.version).toBe('1.2.3');
  });

  it('refuses a symbolic link in a folder', async () => {
    const dir = tempDir();
    writeFolder(dir, samplePackageFiles());
    symlinkSync('/etc/passwd', join(dir, 'dist/passwd'));
    await expect(readPackage(dir)).rejects.toMatchObject({ code: 'PL_PATH_TRAVERSAL', params: { entry: 'dist/passwd' } });
  });

  it('refuses a package without a top-level plugin.json', async () => {
    const files = samplePackageFiles();
    const nested = new Map([...files].map(([path, data]) => [`sample/${path}`, data]));
    await expect(readPackage({ fileName: 'a.cdplugin', data: encodeArchive(nested) })).rejects.toMatchObject({ code: 'PL_MANIFEST_MISSING', params: { file: 'a.cdplugin' } });
    const dir = tempDir();
    await expect(readPackage(dir)).rejects.toMatchObject({ code: 'PL_MANIFEST_MISSING' });
  });

  it('refuses a manifest that is not JSON or has a bad field, naming it', async () => {
    const files = samplePackageFiles();
    files.set('plugin.json', Buffer.from('{ "id": '));
    await expect(readPackage({ fileName: 'a.cdplugin', data: encodeArchive(files) })).rejects.toMatchObject({ code: 'PL_MANIFEST_INVALID', params: { path: '(file)' } });
    const bad = samplePackageFiles({ ...sampleManifest(), entry: '../../evil.js' });
    await expect(readPackage({ fileName: 'a.cdplugin', data: encodeArchive(bad) })).rejects.toMatchObject({ code: 'PL_MANIFEST_INVALID', params: { path: 'entry' } });
  });

  it('refuses a package whose entry file is missing', async () => {
    const files = samplePackageFiles();
    files.delete('dist/plugin.js');
    await expect(readPackage({ fileName: 'a.cdplugin', data: encodeArchive(files) })).rejects.toMatchObject({ code: 'PL_ENTRY_MISSING', params: { id: 'com.example.sample', entry: 'dist/plugin.js' } });
  });

  it('refuses a malformed signature.json', async () => {
    const files = samplePackageFiles();
    files.set('signature.json', Buffer.from(JSON.stringify({ algorithm: 'rsa', publisher: 'x' })));
    await expect(readPackage({ fileName: 'a.cdplugin', data: encodeArchive(files) })).rejects.toMatchObject({ code: 'PL_SIGNATURE_INVALID', params: { id: 'com.example.sample' } });
  });

  it('reports a path that does not exist as IM_FILE', async () => {
    await expect(readPackage(join(tempDir(), 'nope.cdplugin'))).rejects.toMatchObject({ code: 'IM_FILE' });
  });

  it('writes nothing anywhere when it refuses an archive', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'inbox'));
    const block = Buffer.alloc(512);
    new Header({ path: '../evil.js', mode: 0o644, size: 4, type: 'File', mtime: new Date(0) }).encode(block, 0);
    const body = Buffer.alloc(512);
    body.write('evil');
    const archive = gzipSync(Buffer.concat([block, body, Buffer.alloc(1024)]));
    writeFileSync(join(dir, 'inbox/evil.cdplugin'), archive);
    const before = listing(dir);
    await expect(readPackage(join(dir, 'inbox/evil.cdplugin'))).rejects.toMatchObject({ code: 'PL_PATH_TRAVERSAL', params: { entry: '../evil.js' } });
    expect(listing(dir)).toEqual(before);
  });
});
