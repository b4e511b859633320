import { createHash, generateKeyPairSync } from 'node:crypto';
import { encodeArchive } from './archive.ts';
import type { PluginPackage } from './plugin-package.ts';
import { packageFromFiles, readPackage } from './read-package.ts';
import { sampleManifest, samplePackageFiles } from './sample-package.ts';
import {
  digestText,
  generateKeyPair,
  keyIdOf,
  loadPrivateKey,
  publicKeyFromPem,
  requireInstallable,
  signedFiles,
  signPackage,
  verifyPackage,
  type TrustedKey,
} from './signature.ts';

const keys = generateKeyPair();
const pub = publicKeyFromPem(keys.publicKeyPem, 'pub.pem');
const trusted: TrustedKey[] = [{ publisher: 'Example Co', ...pub }];

const unsigned = () => packageFromFiles(samplePackageFiles(), 'sample');

type Edit = (files: Map<string, Buffer>) => void;

/** The sample package signed, then its archive changed by `edit` and read back (as an installer would). */
async function signedThen(edit: Edit = () => {}): Promise<PluginPackage> {
  const pkg = unsigned();
  const files = signedFiles(pkg, signPackage(pkg, keys.privateKeyPem, 'Example Co'));
  edit(files);
  return readPackage({ fileName: 'sample.cdplugin', data: encodeArchive(files) });
}

const editSignature = (change: Record<string, unknown>): Edit => (files) => {
  const sig = JSON.parse(files.get('signature.json')!.toString()) as Record<string, unknown>;
  files.set('signature.json', Buffer.from(JSON.stringify({ ...sig, ...change })));
};

describe('package signatures', () => {
  it('signs the digest text: sha256 and path per file, sorted by path', () => {
    const files = new Map([['b.js', Buffer.from('b')], ['a.json', Buffer.from('a')]]);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(digestText(files)).toBe(`${sha('a')}  a.json\n${sha('b')}  b.js\n`);
    expect(keys.keyId).toBe(pub.keyId);
    expect(pub.keyId).toBe(keyIdOf(Buffer.from(pub.publicKey, 'base64')));
    expect(pub.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('verifies a signed package: trusted with its key, untrusted without, unsigned without a signature', async () => {
    const pkg = await signedThen();
    expect(pkg.signature).toMatchObject({ algorithm: 'ed25519', publisher: 'Example Co', keyId: pub.keyId, publicKey: pub.publicKey });
    expect(verifyPackage(pkg, trusted)).toEqual({ trust: 'trusted', keyId: pub.keyId, publisher: 'Example Co' });
    expect(verifyPackage(pkg, [])).toEqual({ trust: 'untrusted', keyId: pub.keyId, publisher: 'Example Co' });
    const other = publicKeyFromPem(generateKeyPair().publicKeyPem, 'other.pem');
    expect(verifyPackage(pkg, [{ publisher: 'Example Co', ...other }]).trust).toBe('untrusted');
    expect(verifyPackage(unsigned(), trusted)).toEqual({ trust: 'unsigned' });
  });

  const changed = /a file was changed, added or removed/;
  it.each<[string, Edit, RegExp]>([
    ['one byte of a file changed', (files) => {
      const entry = Buffer.from(files.get('dist/plugin.js')!);
      entry[10] = entry[10]! ^ 1;
      files.set('dist/plugin.js', entry);
    }, changed],
    ['a file added', (files) => void files.set('dist/extra.js', Buffer.from('x')), changed],
    ['a file removed', (files) => void files.delete('README.md'), changed],
    ['the manifest changed', (files) => void files.set('plugin.json', Buffer.from(JSON.stringify(sampleManifest({ version: '9.9.9' })))), changed],
    ['another publisher claimed', editSignature({ publisher: 'Evil Co' }), /signed as "Evil Co"/],
    ['a key id that is not the key\'s', editSignature({ keyId: '0123456789abcdef' }), /is not the id of the public key/],
    ['another key swapped in', editSignature(publicKeyFromPem(generateKeyPair().publicKeyPem, 'other.pem')), changed],
    ['a malformed signature.json', editSignature({ algorithm: 'rsa' }), /malformed: algorithm/],
    ['a damaged signature', editSignature({ signature: Buffer.alloc(64).toString('base64') }), changed],
  ])('refuses a signed package with %s: PL_SIGNATURE_INVALID', async (_, edit, reason) => {
    // A malformed signature.json is refused when read, everything else when verified.
    const error = await signedThen(edit)
      .then((pkg) => verifyPackage(pkg, trusted))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PL_SIGNATURE_INVALID', params: { id: 'com.example.sample', reason: expect.stringMatching(reason) } });
  });

  it('refuses a trusted key used for another publisher', async () => {
    const files = samplePackageFiles(sampleManifest({ publisher: 'Evil Co' }));
    const pkg = packageFromFiles(files, 'evil');
    const signed = packageFromFiles(signedFiles(pkg, signPackage(pkg, keys.privateKeyPem, 'Evil Co')), 'evil');
    expect(() => verifyPackage(signed, trusted)).toThrow(expect.objectContaining({ code: 'PL_SIGNATURE_INVALID', params: expect.objectContaining({ reason: expect.stringContaining('trusted for "Example Co"') }) }));
  });

  it('signs only as the manifest\'s publisher and only with an ed25519 private key', () => {
    expect(() => signPackage(unsigned(), keys.privateKeyPem, 'Someone Else')).toThrow(expect.objectContaining({ code: 'PL_MANIFEST_INVALID', params: expect.objectContaining({ path: 'publisher' }) }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => loadPrivateKey(rsa, 'rsa.pem')).toThrow(expect.objectContaining({ code: 'PL_KEY_INVALID', params: { file: 'rsa.pem', reason: 'an rsa key, not ed25519' } }));
    expect(() => loadPrivateKey(keys.publicKeyPem, 'pub.pem')).toThrow(expect.objectContaining({ code: 'PL_KEY_INVALID' }));
    expect(() => publicKeyFromPem('hello', 'x.pem')).toThrow(expect.objectContaining({ code: 'PL_KEY_INVALID' }));
  });

  it('requires a trusted signature to install, unless installing anyway', async () => {
    const signed = await signedThen();
    expect(() => requireInstallable(verifyPackage(signed, trusted), signed, false)).not.toThrow();
    expect(() => requireInstallable(verifyPackage(signed, []), signed, false)).toThrow(
      expect.objectContaining({ code: 'PL_UNTRUSTED_PUBLISHER', params: { id: 'com.example.sample', publisher: 'Example Co', keyId: pub.keyId } }),
    );
    expect(() => requireInstallable(verifyPackage(unsigned(), trusted), unsigned(), false)).toThrow(expect.objectContaining({ code: 'PL_SIGNATURE_MISSING', params: { id: 'com.example.sample' } }));
    expect(() => requireInstallable(verifyPackage(signed, []), signed, true)).not.toThrow();
    expect(() => requireInstallable(verifyPackage(unsigned(), []), unsigned(), true)).not.toThrow();
  });
});
