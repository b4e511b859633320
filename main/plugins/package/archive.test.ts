import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, Header, list, type HeaderData } from 'tar';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { encodeArchive, PACKAGE_LIMITS, readArchive, writeArchive } from './archive.ts';
import { samplePackageFiles } from './sample-package.ts';

/** One tar entry written by hand, so tests can make entries `tar` itself would never write. */
function entry(header: HeaderData, content: Buffer | string = ''): Buffer {
  const body = Buffer.from(content);
  const block = Buffer.alloc(512);
  new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'File', size: body.length, ...header }).encode(block, 0);
  return Buffer.concat([block, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
const tgz = (...entries: Buffer[]) => gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
const manifestEntry = entry({ path: 'plugin.json' }, '{}');

describe('.cdplugin archives', () => {
  it('round-trips files, long and non-ASCII paths included, in the same bytes every time', async () => {
    const files = samplePackageFiles();
    files.set(`src/${'deep/'.repeat(60)}index.ts`, Buffer.from('export {};'));
    files.set('src/中文.ts', Buffer.from('// 你好'));
    files.set('empty.txt', Buffer.alloc(0));
    const data = encodeArchive(files);
    expect(encodeArchive(new Map([...files].reverse()))).toEqual(data);
    expect(await readArchive(data, 'x.cdplugin')).toEqual(files);
  });

  it('is a plain gzip tar that the tar tool lists', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    const file = join(dir.path, 'x.cdplugin');
    await writeArchive(samplePackageFiles(), file);
    await writeArchive(samplePackageFiles(), file);
    expect(readdirSync(dir.path)).toEqual(['x.cdplugin']);
    const paths: string[] = [];
    await list({ file, onReadEntry: (e) => void paths.push(e.path) });
    expect(paths).toEqual(['README.md', 'dist/plugin.js', 'plugin.json']);
  });

  it('reads archives made by tar from a folder (./ prefixes, directory entries)', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    mkdirSync(join(dir.path, 'pkg/dist'), { recursive: true });
    writeFileSync(join(dir.path, 'pkg/plugin.json'), '{}');
    writeFileSync(join(dir.path, 'pkg/dist/plugin.js'), 'x');
    await create({ gzip: true, file: join(dir.path, 'a.tgz'), cwd: join(dir.path, 'pkg') }, ['.']);
    const files = await readArchive(readFileSync(join(dir.path, 'a.tgz')), 'a.tgz');
    expect([...files.keys()].sort()).toEqual(['dist/plugin.js', 'plugin.json']);
  });

  it.each([
    ['../evil.js', entry({ path: '../evil.js' }, 'x')],
    ['dist/../../evil.js', entry({ path: 'dist/../../evil.js' }, 'x')],
    ['/etc/evil.js', entry({ path: '/etc/evil.js' }, 'x')],
    ['C:/evil.js', entry({ path: 'C:/evil.js' }, 'x')],
    ['dist\\..\\..\\evil.js', entry({ path: 'dist\\..\\..\\evil.js' }, 'x')],
    ['link', entry({ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd' })],
    ['hard', entry({ path: 'hard', type: 'Link', linkpath: 'plugin.json' })],
    ['dev', entry({ path: 'dev', type: 'CharacterDevice', devmaj: 1, devmin: 3 })],
    ['fifo', entry({ path: 'fifo', type: 'FIFO' })],
    ['../outside/', entry({ path: '../outside/', type: 'Directory' })],
  ])('refuses the entry %s with PL_PATH_TRAVERSAL', async (name, bad) => {
    await expect(readArchive(tgz(manifestEntry, bad), 'bad.cdplugin')).rejects.toMatchObject({ code: 'PL_PATH_TRAVERSAL', params: { entry: name } });
  });

  it('refuses a symlink that tar packed from a folder', async () => {
    const dir = makeTempDir();
    onTestFinished(() => dir.remove());
    mkdirSync(join(dir.path, 'pkg'));
    writeFileSync(join(dir.path, 'pkg/plugin.json'), '{}');
    symlinkSync('/etc/passwd', join(dir.path, 'pkg/passwd'));
    await create({ gzip: true, file: join(dir.path, 'a.tgz'), cwd: join(dir.path, 'pkg') }, ['plugin.json', 'passwd']);
    await expect(readArchive(readFileSync(join(dir.path, 'a.tgz')), 'a.tgz')).rejects.toMatchObject({ code: 'PL_PATH_TRAVERSAL', params: { entry: 'passwd' } });
  });

  it('refuses more than 2,000 entries', async () => {
    const files = new Map(Array.from({ length: PACKAGE_LIMITS.maxEntries + 1 }, (_, i) => [`f/${i}.txt`, Buffer.from('x')] as const));
    await expect(readArchive(encodeArchive(files), 'many.cdplugin')).rejects.toMatchObject({ code: 'PL_TOO_LARGE', params: { file: 'many.cdplugin', limit: '2,000 entries' } });
  });

  it('refuses a file over 20 MB from its header, before reading it', async () => {
    const big = entry({ path: 'dist/big.js', size: PACKAGE_LIMITS.maxFileBytes + 1 });
    await expect(readArchive(tgz(manifestEntry, big), 'big.cdplugin')).rejects.toMatchObject({ code: 'PL_TOO_LARGE', params: { file: 'dist/big.js', limit: '20 MB' } });
  });

  it('refuses more than 50 MB unpacked, also when it compresses to almost nothing', async () => {
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    await expect(readArchive(bomb, 'bomb.cdplugin')).rejects.toMatchObject({ code: 'PL_TOO_LARGE', params: { file: 'bomb.cdplugin', limit: '50 MB unpacked' } });
    const limits = { maxEntries: 10, maxFileBytes: 600, maxTotalBytes: 1000 };
    const files = new Map([['a', Buffer.alloc(600)], ['b', Buffer.alloc(600)]]);
    await expect(readArchive(encodeArchive(files), 'sum.cdplugin', limits)).rejects.toMatchObject({ code: 'PL_TOO_LARGE', params: { file: 'sum.cdplugin' } });
  });

  it.each([
    ['random bytes', Buffer.from('PK\u0003\u0004 this is a zip, not a .cdplugin')],
    ['an uncompressed tar', Buffer.concat([manifestEntry, Buffer.alloc(1024)])],
    ['gzip of text', gzipSync(Buffer.from('not a tar archive\n'.repeat(100)))],
    ['a truncated archive', encodeArchive(samplePackageFiles()).subarray(0, 60)],
    ['a gzip inside a gzip', gzipSync(encodeArchive(samplePackageFiles()))],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s with PL_ARCHIVE_INVALID', async (_, data) => {
    await expect(readArchive(data, 'x.cdplugin')).rejects.toMatchObject({ code: 'PL_ARCHIVE_INVALID', params: { file: 'x.cdplugin' } });
  });

  it.each([
    ['a path twice', [entry({ path: 'a.js' }, '1'), entry({ path: 'a.js' }, '2')]],
    ['paths that differ in case only', [entry({ path: 'A.js' }, '1'), entry({ path: 'a.js' }, '2')]],
    ['a file that is also a folder', [entry({ path: 'a' }, '1'), entry({ path: 'a/b.js' }, '2')]],
    ['an unsupported entry type', [entry({ path: 'x', type: 'SparseFile' }, '')]],
  ])('refuses %s with PL_ARCHIVE_INVALID', async (_, entries) => {
    await expect(readArchive(tgz(manifestEntry, ...entries), 'x.cdplugin')).rejects.toMatchObject({ code: 'PL_ARCHIVE_INVALID' });
  });
});
