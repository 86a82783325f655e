import { BlobServiceClient } from '@azure/storage-blob';
import { renderApology } from '@switchboard/bridge/apology';
import { appClient } from '@switchboard/bridge/appClient';
import { startBridge, type Bridge } from '@switchboard/bridge/bridgeServer';
import { createProvider } from '@switchboard/bridge/createProvider';
import { blobTranscriptStore } from '@switchboard/bridge/liveTranscript';
import type { VoiceModelProvider } from '@switchboard/bridge/providers/voiceModel';
import type { AcsEmulatorOptions } from '@switchboard/acs-emulator';
import { startSandbox, type Sandbox, type SandboxPart, type SandboxWorld } from '@switchboard/sandbox/startSandbox';
import { startAcsEmulatorChecked } from './acsEmulator';
import { fixture } from './paths';

export interface SwitchboardSandbox extends Sandbox {
  /** The media bridge, when the test asked for one (in this process, so a test can give it a provider). */
  bridge?: Bridge;
}

/**
 * The sandbox world as `npm start` starts it (sandbox/startSandbox.ts), with what tests add: the emulator checks
 * its own timeline for internal errors at close, an inbound call rings 30 s of real time, the fixture flows, and
 * the media bridge runs in this process.
 */
export async function startSwitchboard(
  options: {
    acs?: AcsEmulatorOptions;
    env?: Record<string, string>;
    flows?: string;
    /** More parts before the app starts (e.g. `chatIdentities` from sandbox/startSandbox). */
    parts?: Array<(world: SandboxWorld) => Promise<SandboxPart>>;
    /** Starts the media bridge in this process (the offline voice agent unless a provider is given). */
    bridge?: { provider?: VoiceModelProvider };
  } = {},
): Promise<SwitchboardSandbox> {
  let bridge: Bridge | undefined;
  const bridgePart = async (world: SandboxWorld): Promise<SandboxPart> => {
    const started = await startBridge({
      token: { jwksUrl: world.acs.jwksUrl, issuer: world.acs.issuer, audience: world.acs.immutableResourceId },
      provider: options.bridge?.provider ?? createProvider({ name: 'local' }),
      app: appClient(world.hostUrl),
      transcripts: blobTranscriptStore(BlobServiceClient.fromConnectionString(world.azurite.connectionString)),
      apology: await renderApology(),
    });
    bridge = started;
    return { env: { MEDIA_BRIDGE_URL: started.url }, close: () => started.close() };
  };
  // An inbound call rings 30 s of real time, as in ACS, whatever timeScale speeds up: a loaded machine may take
  // seconds to answer, and a test must not depend on how fast it does (benchmarks measure that).
  const ringMs = 30_000 / (options.acs?.timeScale ?? 1);
  const sandbox = await startSandbox({
    flowsPath: options.flows ?? fixture('flows'),
    acs: { immutableResourceId: 'test-acs-resource', incomingCallTimeoutMs: ringMs, ...options.acs },
    startAcs: startAcsEmulatorChecked,
    env: { TASKHUB_NAME: 'switchboardtest', ...options.env },
    parts: [...(options.parts ?? []), ...(options.bridge ? [bridgePart] : [])],
  });
  return Object.assign(sandbox, { bridge });
}
