// TLS for the fake Azure AI services. The Azure SDK refuses bearer tokens over plain http, so the fake
// serves https with the sandbox's server certificate, issued by the sandbox CA (`.sandbox/certs/ca.pem`,
// shared with the ACS emulator). scripts/run-tests.js passes that CA in NODE_EXTRA_CA_CERTS, so any client
// in the test process trusts the fake; the CA is also returned for clients given it explicitly.
import { ensureTlsMaterial } from '../acs/certificates';

export interface ServerTls {
  /** PEM: the server certificate followed by its issuer. */
  cert: string;
  key: string;
  /** PEM of the CA clients must trust. */
  ca: string;
  caPath: string;
}

export async function issueServerTls(certDir?: string): Promise<ServerTls> {
  const material = await ensureTlsMaterial(certDir);
  return { cert: material.certPem, key: material.keyPem, ca: material.caCertPem, caPath: material.caCertPath };
}
