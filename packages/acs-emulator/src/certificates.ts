// The sandbox's one TLS module: a local CA (trusted by clients through NODE_EXTRA_CA_CERTS) and a server
// certificate for localhost/127.0.0.1 (and the recording hosts) signed by it, which the ACS emulator, Azurite and
// the fake Azure AI services all serve. Generated once under `.sandbox/certs/` and reused, because
// NODE_EXTRA_CA_CERTS is read only at process start: the CA must outlive any one server.
// Run standalone (`node packages/acs-emulator/dist/src/certificates.js`) to make sure the CA exists before starting tests.
import { stateDir } from './stateDir';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
type CryptoKey = webcrypto.CryptoKey;
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// @peculiar/x509 resolves its providers through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export interface TlsMaterial {
  caCertPath: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** `certs` in the emulator's state folder (see stateDir). */
export function defaultCertDir(): string {
  return resolve(stateDir(), 'certs');
}

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const DAY_MS = 24 * 60 * 60 * 1000;
export const RECORDING_HOSTS = ['*.asm.skype.com', '*.asyncgw.teams.microsoft.com'];

/** A random 64-bit serial in hex whose first digit is `lead` (a positive, non-zero leading byte). */
function randomSerial(lead: string): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString('hex')
    .replace(/^./, lead);
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

/** Writes a file only if it does not exist yet, atomically (link fails on an existing file), so that
 * concurrent test processes agree on one CA. Returns the content that is on disk afterwards. */
function writeOnce(path: string, content: string): string {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return content;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readFileSync(path, 'utf8');
  } finally {
    unlinkSync(tmp);
  }
}

/** Replaces a file in one step (rename), so a reader sees the old content or the new, never a partial file. */
function writeAtomically(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

function stillValid(pem: string): boolean {
  try {
    return Date.parse(new X509Certificate(pem).validTo) > Date.now() + DAY_MS;
  } catch {
    return false;
  }
}

function splitServerPem(pem: string): { certPem: string; keyPem: string } | undefined {
  const keyStart = pem.indexOf('-----BEGIN PRIVATE KEY-----');
  if (keyStart < 0) return undefined;
  return { certPem: pem.slice(0, keyStart), keyPem: pem.slice(keyStart) };
}

async function importKey(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', fromPem(pem), RSA, true, ['sign']);
}

/** Ensures the CA exists (creating it if needed) and returns its certificate and key. */
export async function ensureCa(
  certDir = defaultCertDir(),
): Promise<{ caCertPath: string; caCertPem: string; caKeyPem: string }> {
  mkdirSync(certDir, { recursive: true });
  const caCertPath = join(certDir, 'ca.pem');
  const caKeyPath = join(certDir, 'ca-key.pem');
  if (existsSync(caCertPath) && existsSync(caKeyPath)) {
    const caCertPem = readFileSync(caCertPath, 'utf8');
    if (stillValid(caCertPem)) return { caCertPath, caCertPem, caKeyPem: readFileSync(caKeyPath, 'utf8') };
    // An expired CA is replaced; clients must be restarted to trust the new one anyway.
    unlinkSync(caCertPath);
    unlinkSync(caKeyPath);
  }
  x509.cryptoProvider.set(webcrypto as never);
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial('1'),
    name: 'CN=Switchboard ACS emulator local CA, O=Switchboard sandbox',
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 3650 * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  // Key first: a reader that sees ca.pem can rely on the key being there.
  const caKeyPem = writeOnce(caKeyPath, keyPem);
  if (caKeyPem !== keyPem) {
    // Another process won the race: wait for its certificate rather than mixing key pairs.
    for (let i = 0; i < 100 && !existsSync(caCertPath); i++) await new Promise((r) => setTimeout(r, 20));
    return { caCertPath, caCertPem: readFileSync(caCertPath, 'utf8'), caKeyPem };
  }
  const caCertPem = writeOnce(caCertPath, cert.toString('pem') + '\n');
  return { caCertPath, caCertPem, caKeyPem };
}

/** Ensures the CA and a server certificate for localhost / 127.0.0.1 / ::1 exist; returns them. */
export async function ensureTlsMaterial(certDir = defaultCertDir()): Promise<TlsMaterial> {
  const ca = await ensureCa(certDir);
  // Certificate chain and key live in ONE file, written atomically, so they always match.
  const serverPath = join(certDir, 'server.pem');
  if (existsSync(serverPath)) {
    const stored = splitServerPem(readFileSync(serverPath, 'utf8'));
    const leaf = stored && new X509Certificate(stored.certPem);
    if (
      stored &&
      leaf &&
      stillValid(stored.certPem) &&
      leaf.verify(new X509Certificate(ca.caCertPem).publicKey) &&
      leaf.subjectAltName?.includes('asm.skype.com')
    ) {
      return { caCertPath: ca.caCertPath, caCertPem: ca.caCertPem, ...stored };
    }
    unlinkSync(serverPath);
  }
  x509.cryptoProvider.set(webcrypto as never);
  const caCert = new x509.X509Certificate(ca.caCertPem);
  const caKey = await importKey(ca.caKeyPem);
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial('2'),
    subject: 'CN=localhost',
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 825 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
        // Recording content URLs must be on these hosts for the SDK; the emulator's proxy serves them.
        ...RECORDING_HOSTS.map((value) => ({ type: 'dns' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem') + '\n' + ca.caCertPem;
  const keyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  // The first writer wins and every process serves the pair on disk, so servers started by concurrent test
  // processes present the same certificate.
  const onDisk = splitServerPem(writeOnce(serverPath, certPem + keyPem)) ?? { certPem, keyPem };
  return { caCertPath: ca.caCertPath, caCertPem: ca.caCertPem, ...onDisk };
}

/** A server's TLS options: its certificate (followed by its issuer) and key, and the CA clients must trust. */
export interface ServerTls {
  cert: string;
  key: string;
  ca: string;
  caPath: string;
}

/**
 * The sandbox server certificate for an in-process server: the fake Azure AI services serve https, as Azure SDKs
 * send bearer tokens only over https.
 */
export async function issueServerTls(certDir?: string): Promise<ServerTls> {
  const material = await ensureTlsMaterial(certDir);
  return { cert: material.certPem, key: material.keyPem, ca: material.caCertPem, caPath: material.caCertPath };
}

/** The sandbox server certificate as files, which Azurite's --cert/--key take. */
export async function azuriteTls(
  certDir = defaultCertDir(),
): Promise<{ certPath: string; keyPath: string; caCertPath: string }> {
  const tls = await ensureTlsMaterial(certDir);
  // Named after their content and replaced atomically: concurrent test processes start Azurites that read these
  // while another process may be writing them, and a truncated or mismatched file stops Azurite at start-up.
  const tag = createHash('sha256').update(tls.certPem).update(tls.keyPem).digest('hex').slice(0, 16);
  const certPath = join(certDir, `azurite-${tag}-cert.pem`);
  const keyPath = join(certDir, `azurite-${tag}-key.pem`);
  writeAtomically(certPath, tls.certPem);
  writeAtomically(keyPath, tls.keyPem);
  return { certPath, keyPath, caCertPath: tls.caCertPath };
}

if (require.main === module) {
  ensureCa(process.argv[2] ? resolve(process.argv[2]) : undefined)
    .then(({ caCertPath }) => process.stdout.write(`${caCertPath}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`Could not create the emulator CA: ${(err as Error).message}\n`);
      process.exit(1);
    });
}
