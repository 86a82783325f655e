import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCertDir, ensureTlsMaterial } from './acs/certificates';

/** The sandbox CA's localhost certificate, as files Azurite's --cert/--key accept. */
export async function azuriteTls(
  certDir = defaultCertDir(),
): Promise<{ certPath: string; keyPath: string; caCertPath: string }> {
  const tls = await ensureTlsMaterial(certDir);
  const certPath = join(certDir, 'azurite-cert.pem');
  const keyPath = join(certDir, 'azurite-key.pem');
  writeFileSync(certPath, tls.certPem);
  writeFileSync(keyPath, tls.keyPem, { mode: 0o600 });
  return { certPath, keyPath, caCertPath: tls.caCertPath };
}
