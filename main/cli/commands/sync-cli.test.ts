import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../testing/run-cli.ts';
import { makeTempDir } from '../../testing/temp-dir.ts';
import { startHarness, type Harness } from '../../../sync-server/test/harness.ts';

const cli = (...args: string[]) => runCli('sync', ...args);

describe('campaign-desk sync', () => {
  const dir = makeTempDir();
  const dataDir = join(dir.path, 'data');
  let server: Harness;
  let token = '';

  beforeAll(async () => {
    server = await startHarness({ database: `sqlite:${join(dir.path, 'sync.sqlite')}`, rateLimit: false });
    token = (await server.createStore('S07')).token;
    vi.stubEnv('CAMPAIGN_DESK_LANG', 'en');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    dir.remove();
  });

  it('saves nothing for a credential the server refuses, and says why', async () => {
    const refused = await cli('setup', '--server', server.url, '--token', 'wrong-token-123', '--data-dir', dataDir);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('SY_UNAUTHORIZED');
    expect(existsSync(join(dataDir, 'sync.json'))).toBe(false);
  });

  it('checks the credential from the environment, saves it owner-only and shows it without the token', async () => {
    vi.stubEnv('CAMPAIGN_DESK_SYNC_TOKEN', token);
    const setup = await cli('setup', '--server', `${server.url}/`, '--data-dir', dataDir);
    expect(setup.code).toBe(0);
    expect(setup.out).toContain('syncs as:   store S07');
    const file = join(dataDir, 'sync.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ serverUrl: server.url, token, enabled: true });
    const shown = await cli('show', '--data-dir', dataDir);
    expect(shown.out).toContain(server.url);
    expect(shown.out).not.toContain(token);
  });

  it('speaks Chinese when asked', async () => {
    vi.stubEnv('CAMPAIGN_DESK_LANG', 'zh-CN');
    expect((await cli('show', '--data-dir', dataDir)).out).toContain('同步身份： 门店 S07');
    vi.stubEnv('CAMPAIGN_DESK_LANG', 'en');
  });

  it('pauses, resumes and forgets', async () => {
    expect((await cli('pause', '--data-dir', dataDir)).out).toContain('sync:       paused');
    expect((await cli('resume', '--data-dir', dataDir)).out).toContain('sync:       on');
    await cli('forget', '--data-dir', dataDir);
    expect((await cli('show', '--data-dir', dataDir)).out).toContain('Sync is not set up.');
    const paused = await cli('pause', '--data-dir', dataDir);
    expect(paused.code).not.toBe(0);
    expect(paused.err).toContain('SY_NOT_CONFIGURED');
  });
});
