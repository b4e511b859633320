import { checkApiRange, parseManifest } from './manifest.ts';
import { sampleManifest } from './sample-package.ts';

const parse = (changes: Record<string, unknown>) => () => parseManifest({ ...sampleManifest(), ...changes }, 'plugin.json');

describe('parseManifest', () => {
  it('accepts a complete manifest and drops unknown top-level fields', () => {
    const manifest = parseManifest(
      {
        ...sampleManifest(),
        description: { en: 'A sample', 'zh-CN': '示例' },
        permissions: { network: ['api.example.com', 'sms.example.cn:8443', '10.0.0.1'] },
        configSchema: { type: 'object', properties: { apiKey: { type: 'string', title: 'API key', minLength: 8 }, level: { type: 'integer', enum: [1, 2], default: 1 } }, required: ['apiKey'] },
        contributes: { marketingTypes: ['sample'], messageChannels: ['sms-gateway'] },
        homepage: 'https://example.com',
      },
      'plugin.json',
    );
    expect(manifest.permissions?.network).toEqual(['api.example.com', 'sms.example.cn:8443', '10.0.0.1']);
    expect(manifest.configSchema?.required).toEqual(['apiKey']);
    expect(manifest).not.toHaveProperty('homepage');
  });

  it.each([
    ['id', { id: 'Com.Example.Sample' }],
    ['id', { id: 'sample' }],
    ['version', { version: '1.0' }],
    ['version', { version: 'v1.0.0' }],
    ['apiVersion', { apiVersion: 'the latest' }],
    ['apiVersion', { apiVersion: '' }],
    ['entry', { entry: '../outside.js' }],
    ['entry', { entry: '/abs/plugin.js' }],
    ['entry', { entry: 'C:/plugin.js' }],
    ['entry', { entry: 'dist\\plugin.js' }],
    ['entry', { entry: 'dist/plugin.ts' }],
    ['name.zh-CN', { name: { en: 'Sample' } }],
    ['publisher', { publisher: ' ' }],
    ['contributes', { contributes: undefined }],
    ['contributes.marketingTypes.0', { contributes: { marketingTypes: ['Sample'] } }],
    ['contributes.marketingTypes', { contributes: { marketingTypes: ['a', 'a'] } }],
    ['contributes', { contributes: { marketingType: ['sample'] } }],
    ['permissions.network.0', { permissions: { network: ['https://api.example.com'] } }],
    ['permissions.network.0', { permissions: { network: ['api.example.com:99999'] } }],
    ['configSchema.required.0', { configSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] } }],
    ['configSchema.properties.a.default', { configSchema: { type: 'object', properties: { a: { type: 'integer', default: 'x' } } } }],
    ['configSchema.properties.a.pattern', { configSchema: { type: 'object', properties: { a: { type: 'string', pattern: '(' } } } }],
    ['configSchema.properties.a', { configSchema: { type: 'object', properties: { a: { type: 'string', maxLenght: 3 } } } }],
    ['configSchema.type', { configSchema: { type: 'array', properties: {} } }],
  ])('refuses a bad %s with PL_MANIFEST_INVALID naming it', (path, changes) => {
    expect(parse(changes)).toThrow(expect.objectContaining({ code: 'PL_MANIFEST_INVALID', params: expect.objectContaining({ path }) }));
  });

  it('names (root) when the manifest is not an object', () => {
    expect(() => parseManifest([], 'x.cdplugin')).toThrow(expect.objectContaining({ code: 'PL_MANIFEST_INVALID', params: { path: '(root)', reason: expect.any(String), file: 'x.cdplugin' } }));
  });
});

describe('checkApiRange', () => {
  it('passes when the app API satisfies the range, else PL_API_MISMATCH', () => {
    expect(() => checkApiRange(sampleManifest({ apiVersion: '^1.0.0' }), '1.0.0')).not.toThrow();
    expect(() => checkApiRange(sampleManifest({ apiVersion: '>=1.0.0 <1.2.0' }), '1.1.5')).not.toThrow();
    expect(() => checkApiRange(sampleManifest({ apiVersion: '^2.0.0' }), '1.0.0')).toThrow(
      expect.objectContaining({ code: 'PL_API_MISMATCH', params: { id: 'com.example.sample', range: '^2.0.0', apiVersion: '1.0.0' } }),
    );
    expect(() => checkApiRange(sampleManifest({ apiVersion: '^1.1.0' }), '1.0.0')).toThrow(expect.objectContaining({ code: 'PL_API_MISMATCH' }));
  });
});
