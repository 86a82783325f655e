import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);
const certificatesModule = require.resolve('@switchboard/acs-emulator/certificates');

/** What one process hands Azurite: the contents of the files azuriteTls names. */
async function azuriteFilesFromAnotherProcess(certDir: string): Promise<{ cert: string; key: string }> {
  const script = `require(${JSON.stringify(certificatesModule)}).azuriteTls(${JSON.stringify(certDir)})
    .then((t) => process.stdout.write(JSON.stringify(t)))`;
  const { stdout } = await run(process.execPath, ['-e', script]);
  const { certPath, keyPath } = JSON.parse(stdout) as { certPath: string; keyPath: string };
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

describe('the sandbox certificates', () => {
  it('give Azurites started by concurrent processes on a fresh machine the same complete, matching cert and key', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'sb-certs-'));
    try {
      const files = await Promise.all(Array.from({ length: 6 }, () => azuriteFilesFromAnotherProcess(certDir)));
      for (const { cert, key } of files) {
        assert.equal(cert, files[0].cert, 'every process serves the same certificate');
        assert.equal(key, files[0].key);
        const leafKey = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
        const fromKey = createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'der' });
        assert.deepEqual(leafKey, fromKey, 'the key file belongs to the certificate file');
      }
    } finally {
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
