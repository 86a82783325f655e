import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
// @peculiar/x509 resolves its crypto provider through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// The JWKS is fetched over HTTPS with the global fetch; a private CA (the sandbox's) must be trusted
// through NODE_EXTRA_CA_CERTS alone. That variable is read at process start, so the verifier runs in a
// child process here, against a JWKS served with a certificate no public CA signed.

import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
type Jose = typeof JoseModule;

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const pem = (der: ArrayBuffer, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

async function selfSignedCertificate() {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=switchboard test CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3600_000),
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
  };
}

const CHILD = `
const { verifyCallbackToken } = require(process.env.VERIFIER);
verifyCallbackToken(process.env.TOKEN, { jwksUrl: process.env.JWKS_URL, issuer: 'https://acs.test', audience: 'resource-1' })
  .then((claims) => console.log(JSON.stringify({ ok: true, sub: claims.sub })))
  .catch((error) => console.log(JSON.stringify({ ok: false, reason: error.reason })));
`;

describe('verifyCallbackToken over HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwks-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trusts a private CA given through NODE_EXTRA_CA_CERTS, and only then', async () => {
    const jose: Jose = await import('jose');
    const { certPem, keyPem } = await selfSignedCertificate();
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, certPem);
    const signing = await jose.generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await jose.exportJWK(signing.publicKey)), kid: 'k1', alg: 'RS256' };
    const server = createServer({ cert: certPem, key: keyPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => {
      server.closeAllConnections();
      server.close();
    });
    const token = await new jose.SignJWT({ sub: 'acs' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://acs.test')
      .setAudience('resource-1')
      .setExpirationTime('5m')
      .sign(signing.privateKey);
    const env = {
      PATH: process.env.PATH,
      VERIFIER: require.resolve('@switchboard/core/acs/verifyCallbackToken'),
      TOKEN: token,
      JWKS_URL: `https://127.0.0.1:${(server.address() as AddressInfo).port}/calling/keys`,
    };
    const run = async (extra: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], {
        env: { ...env, ...extra },
        timeout: 30_000,
      });
      return JSON.parse(stdout.trim()) as unknown;
    };
    assert.deepEqual(await run({ NODE_EXTRA_CA_CERTS: caPath }), { ok: true, sub: 'acs' });
    assert.deepEqual(await run({}), { ok: false, reason: 'keys-unavailable' });
  });
});
