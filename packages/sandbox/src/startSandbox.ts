import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { startAcsEmulator, type AcsEmulator, type AcsEmulatorOptions } from '@switchboard/acs-emulator';
import { sandboxAppSettings, sandboxBridgeSettings, subscribeAppToAcs, subscribeAppToStorage } from './appSettings';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { azuriteTls } from '@switchboard/acs-emulator/certificates';
import { startLocalEntraIssuer, type LocalEntraIssuer } from './entraIssuer';
import { freePort } from './freePort';
import { appDir, startHostProcess, type HostProcess } from './hostProcess';
import { startReadyChild, stopChild } from '@switchboard/functions-host/readyChild';
import { startStorageEvents, type StorageEvents } from './storageEvents';

// The one way the sandbox world starts: Azurite over HTTPS, the ACS emulator, the local Entra issuer, the app in
// the local Functions host as its own process, wired by settings only, with Event Grid subscriptions like
// Azure's. `npm start`, the integration tests and the benchmarks all start it here and differ only in options.

/** What runs before the app, with the parts it may need; its settings go to the app. */
export interface SandboxPart {
  env: Record<string, string>;
  close?: () => Promise<void>;
}

export interface SandboxOptions {
  /** The app's port: 0 (the default) picks a free one; `npm start` asks for 7071 like `func start`. */
  port?: number;
  /** The flow file or folder the app runs (FLOWS_PATH). */
  flowsPath: string;
  acs?: AcsEmulatorOptions;
  /** Starts the emulator (tests wrap it with their own checks). */
  startAcs?: (options: AcsEmulatorOptions) => Promise<AcsEmulator>;
  /** App settings over the sandbox's own. */
  env?: Record<string, string>;
  /**
   * Parts that start after the emulator and before the app and give it settings (a media bridge, chat
   * identities), in order; they are closed after the app stops.
   */
  parts?: Array<(world: SandboxWorld) => Promise<SandboxPart>>;
  /** Pass the host's output through to this terminal (`npm start`). */
  echoHost?: boolean;
  /**
   * Another Functions app folder to run (the deployment rehearsal's unpacked artifact) instead of
   * packages/app; the host then runs in that folder, as the Functions Node.js worker runs in the app's.
   */
  appDir?: string;
}

/** The running parts a SandboxPart may use before the app starts. */
export interface SandboxWorld {
  azurite: AzuriteInstance;
  acs: AcsEmulator;
  entra: LocalEntraIssuer;
  /** Where the app will listen. */
  hostUrl: string;
}

export interface Sandbox extends SandboxWorld {
  host: HostProcess;
  /** Azure Storage's Event Grid system topic, which Azurite lacks. */
  storageEvents: StorageEvents;
  /** Every setting the app was started with. */
  appSettings: Record<string, string>;
  /** fetch() against the app's APIs with a bearer token carrying every app role. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Kills the app's host (SIGKILL: a crash, nothing flushed) and starts it again on the same address, running
   * `whileDown` (what the world does meanwhile) in between.
   */
  restartHost(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const closers: Array<() => Promise<void>> = [];
  // Last started, first stopped; each part once, however often stop() is called; a part that fails to stop
  // (the emulator reporting its own errors) does not keep the others running.
  const closeAll = async () => {
    const failures: unknown[] = [];
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => failures.push(error));
    if (failures.length) throw failures[0];
  };
  try {
    const azurite = await startAzurite({ tls: await azuriteTls() });
    closers.push(() => azurite.stop());
    const acs = await (options.startAcs ?? startAcsEmulator)({
      immutableResourceId: 'sandbox-acs-resource',
      ...options.acs,
    });
    closers.push(() => acs.close());
    const entra = await startLocalEntraIssuer();
    closers.push(() => entra.close());
    const port = String(options.port || (await freePort()));
    const world: SandboxWorld = { azurite, acs, entra, hostUrl: `http://127.0.0.1:${port}` };

    const partEnv: Record<string, string> = {};
    for (const start of options.parts ?? []) {
      const part = await start(world);
      if (part.close) closers.push(part.close);
      Object.assign(partEnv, part.env);
    }
    const appSettings = {
      ...sandboxAppSettings({ azurite, acs, entra, callbackBaseUrl: world.hostUrl, flowsPath: options.flowsPath }),
      ...options.env,
      ...partEnv,
    };
    // One Durable system key for the sandbox's life: a restarted host keeps it, as Azure keeps its keys.
    const hostEnv = { ...appSettings, HOST_DURABLE_KEY: randomBytes(32).toString('base64url') };
    // As in Azure (and unlike func start), a function that is not anonymous answers 401 without this key.
    const functionKey = randomBytes(24).toString('base64url');
    const startHost = () =>
      startHostProcess(options.appDir ?? appDir, hostEnv, port, {
        echo: options.echoHost,
        functionKey,
        cwd: options.appDir,
      });
    let host = await startHost();
    closers.push(() => host.stop());

    await subscribeAppToAcs(world.hostUrl, acs);
    // Node reads NODE_EXTRA_CA_CERTS only at start: a process started with the sandbox CA there (the test runner)
    // trusts Azurite already; any other (npm start, benchmarks) is given the CA.
    const trusted = process.env.NODE_EXTRA_CA_CERTS === acs.caCertPath;
    const storageEvents = startStorageEvents({
      connectionString: azurite.connectionString,
      ...(trusted ? {} : { caPem: readFileSync(acs.caCertPath, 'utf8') }),
    });
    closers.push(() => Promise.resolve(storageEvents.close()));
    await subscribeAppToStorage(world.hostUrl, storageEvents);

    return {
      ...world,
      get host() {
        return host;
      },
      storageEvents,
      appSettings,
      async api(path, init = {}) {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${await entra.token()}`);
        return fetch(`${host.url}${path}`, { ...init, headers });
      },
      async restartHost(whileDown) {
        await host.stop('SIGKILL');
        await whileDown?.();
        host = await startHost();
      },
      stop: closeAll,
    };
  } catch (error) {
    // What failed to start is the error to report, not what failed to stop after it.
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/** The media bridge with the offline voice agent as its own process (`npm start`), on a port of its own. */
export async function bridgeProcess(world: SandboxWorld, env: Record<string, string> = {}): Promise<SandboxPart> {
  const { child, ready } = await startReadyChild(
    'The media bridge',
    require.resolve('@switchboard/bridge/main'),
    [],
    {
      ...sandboxBridgeSettings({ azurite: world.azurite, acs: world.acs, appBaseUrl: world.hostUrl }),
      PORT: '0',
      ...env,
    },
    'BRIDGE_READY',
    { echo: { stderr: true } },
  );
  return {
    env: { MEDIA_BRIDGE_URL: `ws://127.0.0.1:${parseInt(ready, 10)}/media` },
    close: () => stopChild(child),
  };
}

/** The chat bot and the agent it hands over to, each an identity of its own in the emulator. */
export async function chatIdentities(world: SandboxWorld): Promise<SandboxPart> {
  const identity = new CommunicationIdentityClient(world.acs.connectionString, {
    tlsOptions: { ca: readFileSync(world.acs.caCertPath, 'utf8') },
  });
  return {
    env: {
      CHAT_BOT_USER_ID: (await identity.createUser()).communicationUserId,
      CHAT_AGENT_USER_ID: (await identity.createUser()).communicationUserId,
    },
  };
}
