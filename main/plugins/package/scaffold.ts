import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CampaignError } from '../../core/errors/campaign-error.ts';
import { CONTRIBUTION_ID } from './manifest.ts';

/**
 * `campaign-desk plugin init`: a new plugin folder that builds, tests and packs as it is. The
 * SDK file is copied in, so the plugin type-checks and builds without the app's sources.
 */

/** The SDK, the one file a plugin's sources import. */
export const SDK_FILE = fileURLToPath(new URL('../../../plugins/sdk/campaign-desk-plugin.ts', import.meta.url));

const title = (name: string) =>
  name
    .split('-')
    .filter(Boolean)
    .map((w, i) => (i === 0 ? `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}` : w))
    .join(' ');

function manifest(name: string): string {
  const manifest = {
    id: `com.example.${name}`,
    name: { en: title(name), 'zh-CN': title(name) },
    description: { en: `The ${title(name)} marketing type.`, 'zh-CN': `${title(name)} 营销类型。` },
    version: '0.1.0',
    publisher: 'Example',
    apiVersion: '^1.0.0',
    entry: 'dist/plugin.js',
    contributes: { marketingTypes: [name] },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const index = (name: string) => `import { definePlugin, type FormSchema, type Json, type PlanTemplate } from './campaign-desk-plugin';

/** The marketing type's settings: a form shown when a plan of this type is created. */
const configSchema: FormSchema = {
  type: 'object',
  properties: {
    minLevel: { type: 'integer', title: 'Lowest member level', minimum: 0, maximum: 10, default: 1 },
    hour: { type: 'integer', title: 'Hour of the day to send (store time)', minimum: 0, maximum: 23, default: 10 },
  },
};

function setting(config: Record<string, Json>, key: string): number {
  const value = config[key];
  const fallback = configSchema.properties[key]?.default;
  return typeof value === 'number' ? value : typeof fallback === 'number' ? fallback : 0;
}

/** The plan the editor starts from: members of level minLevel or above who accept SMS, a message every Monday. */
export function template(config: Record<string, Json>): PlanTemplate {
  const minLevel = setting(config, 'minLevel');
  const hour = setting(config, 'hour');
  return {
    name: { en: '${title(name)}', 'zh-CN': '${title(name)}' },
    audience: {
      name: { en: \`Members of level \${minLevel} or above who accept SMS\`, 'zh-CN': \`接受短信的 \${minLevel} 级及以上会员\` },
      rule: {
        version: 1,
        root: {
          op: 'and',
          children: [
            { kind: 'consent', channel: 'sms' },
            { kind: 'attribute', field: 'level', cmp: 'gte', value: minLevel },
          ],
        },
      },
    },
    // A period expression: second minute hour day month weekday year type (1 = points in time).
    timing: { effective: {}, execution: { mode: 'periodic', expression: \`0 0 \${hour} * * 1 * 1\` } },
    actions: [
      {
        id: 'sms',
        type: 'message',
        channel: 'sms',
        via: 'outbox',
        template: {
          en: { body: 'Hi {{name}}, this week at {{store}}: something just for you.' },
          'zh-CN': { body: '{{name}}，您好！本周{{store}}为您准备了专属惊喜。' },
        },
      },
    ],
  };
}

export default definePlugin({
  activate(ctx) {
    ctx.subscriptions.push(
      ctx.registerMarketingType({
        id: '${name}',
        name: { en: '${title(name)}', 'zh-CN': '${title(name)}' },
        description: { en: 'A weekly message to loyal members.', 'zh-CN': '每周给忠实会员发一条消息。' },
        icon: 'Message',
        configSchema,
        template,
      }),
    );
  },
});
`;

const test = `// Runs the built plugin (\`campaign-desk plugin pack\` first) the way the app does: the entry's
// default export, activated with a context. Run with \`node --test test/\`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('../plugin.json', import.meta.url), 'utf8'));
const plugin = require(\`../\${manifest.entry}\`).default;

/** A minimal PluginContext that records what the plugin registers. */
function fakeContext() {
  const marketingTypes = [];
  const undeclared = (what) => () => {
    throw new Error(\`this plugin declares no \${what}\`);
  };
  const context = {
    pluginId: manifest.id,
    apiVersion: '1.0.0',
    config: {},
    subscriptions: [],
    log: { info() {}, warn() {}, error() {} },
    registerMarketingType(type) {
      marketingTypes.push(type);
      return { dispose() {} };
    },
    registerAudienceCondition: undeclared('audience conditions'),
    registerTimeMode: undeclared('time modes'),
    registerRightType: undeclared('right types'),
    registerMessageChannel: undeclared('message channels'),
    fetch: async () => {
      throw new Error('no network in tests');
    },
  };
  return { context, marketingTypes };
}

test('activate registers the marketing types plugin.json declares', async () => {
  const { context, marketingTypes } = fakeContext();
  await plugin.activate(context);
  assert.deepEqual(
    marketingTypes.map((t) => t.id),
    manifest.contributes.marketingTypes,
  );
  assert.equal(context.subscriptions.length, marketingTypes.length);
});

test('the template messages members who accept SMS, weekly at the configured hour', async () => {
  const { context, marketingTypes } = fakeContext();
  await plugin.activate(context);
  const plan = marketingTypes[0].template({ minLevel: 3, hour: 9 }, { now: '2025-06-02T08:00:00+08:00', timeZone: 'Asia/Shanghai' });
  assert.deepEqual(plan.audience.rule.root.children, [
    { kind: 'consent', channel: 'sms' },
    { kind: 'attribute', field: 'level', cmp: 'gte', value: 3 },
  ]);
  assert.deepEqual(plan.timing.execution, { mode: 'periodic', expression: '0 0 9 * * 1 * 1' });
  assert.equal(plan.actions[0].type, 'message');
  assert.match(plan.actions[0].template.en.body, /\\{\\{name\\}\\}/);
  // Missing settings take the form's defaults.
  assert.equal(marketingTypes[0].template({}, context).audience.rule.root.children[1].value, 1);
});
`;

const packageJson = (name: string) =>
  `${JSON.stringify({ name, private: true, type: 'commonjs', scripts: { test: 'node --test test/' } }, null, 2)}\n`;

const tsconfig = `${JSON.stringify(
  {
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], module: 'ESNext', moduleResolution: 'bundler', strict: true, isolatedModules: true, noEmit: true, types: [] },
    include: ['src'],
  },
  null,
  2,
)}\n`;

const readme = (name: string) => `# ${title(name)}

A Campaign Desk plugin: the marketing type \`${name}\` (see \`src/index.ts\`).

- \`src/index.ts\`: the plugin; \`src/campaign-desk-plugin.ts\` is the plugin API (a copy of the SDK, do not edit).
- \`plugin.json\`: the manifest (id, version, publisher, what the plugin contributes).
- \`test/plugin.test.mjs\`: runs the built plugin with \`node --test test/\`.

Run the commands below in this folder. \`campaign-desk\` is the app's command: \`node <Campaign Desk
folder>/bin/campaign-desk.mjs\`, or put it on your PATH with \`npm link\` in the Campaign Desk folder.

Build and pack (writes \`dist/plugin.js\` and \`com.example.${name}-0.1.0.cdplugin\`), then test:

    campaign-desk plugin pack .
    node --test test/

Type-check (esbuild only strips the types): \`npx -p typescript tsc -p .\`

Sign: set \`publisher\` in plugin.json to your name, make a key pair once (keep the .key.pem secret and
outside this folder), sign, and check what a store will see:

    campaign-desk plugin keygen --out ../my-publisher
    campaign-desk plugin sign com.example.${name}-0.1.0.cdplugin --key ../my-publisher.key.pem --publisher "Example"
    campaign-desk plugin verify com.example.${name}-0.1.0.cdplugin --trust ../my-publisher.pub.pem

\`package.json\` only marks the built file as CommonJS for Node's test runner.
`;

/**
 * Creates the plugin folder `<parentDir>/<name>` (PL_SCAFFOLD_EXISTS when it exists and is not
 * empty; CLI_USAGE when `name` cannot be a marketing type id). Returns the folder's path.
 */
export function scaffoldPlugin(parentDir: string, name: string): string {
  if (!CONTRIBUTION_ID.test(name)) {
    throw new CampaignError('CLI_USAGE', { reason: `a plugin name is lower-case letters, digits and "-", starting with a letter (up to 40), got "${name}"` });
  }
  const dir = resolve(parentDir, name);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new CampaignError('PL_SCAFFOLD_EXISTS', { dir });
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'test'));
  writeFileSync(join(dir, 'plugin.json'), manifest(name));
  copyFileSync(SDK_FILE, join(dir, 'src', 'campaign-desk-plugin.ts'));
  writeFileSync(join(dir, 'src', 'index.ts'), index(name));
  writeFileSync(join(dir, 'test', 'plugin.test.mjs'), test);
  writeFileSync(join(dir, 'package.json'), packageJson(name));
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
  writeFileSync(join(dir, 'README.md'), readme(name));
  return dir;
}
