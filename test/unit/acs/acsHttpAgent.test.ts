import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AcsEmulator } from '@switchboard/acs-emulator';
import { createCallAutomationClient } from '@switchboard/app/acs/acsClients';
import { TunnelPoolAgent } from '@switchboard/core/net/tunnelPoolAgent';
import { acsSettingsFor, startAcsEmulatorChecked } from '../../support/acsEmulator';

// The ACS clients behind an HTTPS proxy (a corporate egress proxy; the sandbox's recording downloads): tunnels are
// kept and reused, and NO_PROXY is honoured per destination. A counting CONNECT proxy stands in front of the
// emulator and ends every tunnel in it, whatever host was asked for, as the emulator's own proxy does.
describe('ACS requests through an HTTPS proxy', () => {
  let acs: AcsEmulator;
  let proxy: Server;
  let proxyUrl: string;
  const tunnels: string[] = [];
  const open = new Set<Duplex>();
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  const restore = (name: keyof typeof saved) => {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  };

  before(async () => {
    acs = await startAcsEmulatorChecked();
    const emulatorPort = Number(new URL(acs.endpoint).port);
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(emulatorPort, '127.0.0.1', () => {
        open.add(socket).add(upstream);
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    process.env.HTTPS_PROXY = proxyUrl;
  });
  afterEach(() => {
    tunnels.length = 0;
    restore('NO_PROXY');
  });
  after(async () => {
    restore('HTTPS_PROXY');
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => proxy?.close(resolve));
    await acs?.close();
  });

  const callAutomation = () => createCallAutomationClient(acsSettingsFor(acs));

  /** Asks ACS about a call that does not exist: a full signed round trip, answered 404 by the emulator. */
  const askAboutMissingCall = async (client: ReturnType<typeof callAutomation>, id: string) => {
    const error = await client
      .getCallConnection(id)
      .getCallConnectionProperties()
      .then(
        () => undefined,
        (e: unknown) => e as { statusCode?: number },
      );
    assert.equal(error?.statusCode, 404, 'the request reached the emulator');
  };

  it('sends one call after another through a single tunnel rather than a tunnel each', async () => {
    const client = callAutomation();
    for (let i = 0; i < 5; i++) await askAboutMissingCall(client, `missing-${i}`);
    assert.equal(tunnels.length, 1, `tunnels opened: ${tunnels.join(', ')}`);
  });

  it('goes straight to a destination NO_PROXY names, with no tunnel', async () => {
    process.env.NO_PROXY = '127.0.0.1';
    const agent = new TunnelPoolAgent(proxyUrl);
    const status = await get(agent, `${acs.endpoint}calling/keys`);
    agent.destroy();
    assert.equal(status, 200);
    assert.deepEqual(tunnels, []);
  });

  it('still tunnels to a destination NO_PROXY does not name, decided per connection', async () => {
    // The SDK signs a recording download against the ACS endpoint and then re-targets it at the recording host:
    // the route must follow where the connection goes, not the endpoint the client was made for.
    process.env.NO_PROXY = '127.0.0.1';
    const agent = new TunnelPoolAgent(proxyUrl);
    const status = await get(agent, 'https://sandbox.asm.skype.com/calling/keys');
    agent.destroy();
    assert.ok(status > 0);
    assert.deepEqual(tunnels, ['sandbox.asm.skype.com:443']);
  });
});

function get(agent: TunnelPoolAgent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}
