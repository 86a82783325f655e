// Runs an unpacked Function App artifact as Azure would: the local Functions host started in the artifact's
// folder (nothing above it to fall back on), with the app settings infra/modules/function-app.bicep sets, a
// managed identity endpoint and Azure AI Language/Speech fakes that accept only its tokens. The sandbox allows
// no identity for Storage and ACS (Azurite and the emulator take keys), so those two use connection strings.
// Then every function must register, a call to the main line must be answered and reach voicemail, and the
// recording must come back as a summary through the public API.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TimelineEntry } from '@switchboard/acs-emulator/timeline';
import { startFakeLanguageService } from '@switchboard/ai-fakes/fakeLanguageService';
import { callIdFor } from '@switchboard/app/call/callIdFor';
import { startManagedIdentityEndpoint } from '@switchboard/sandbox/managedIdentityEndpoint';
import { startSandbox } from '@switchboard/sandbox/startSandbox';
import { machineEnv, StepFailedError } from './commands';

const run = promisify(execFile);
const COGNITIVE_SERVICES = 'https://cognitiveservices.azure.com';
const MAIN_LINE = '+18005550100'; // packages/app/flows/contoso.yaml
const BILLING = '+18005550111';

/** Names of the functions a Functions app folder registers, loaded by the local host's loader in a child process. */
async function registeredBy(appDir: string): Promise<string[]> {
  const loader = require.resolve('@switchboard/functions-host/appLoader');
  const script = `const { loadApp } = require(${JSON.stringify(loader)});
process.stdout.write(JSON.stringify([...loadApp(${JSON.stringify(appDir)}).functions.keys()].sort()));`;
  const { stdout } = await run(process.execPath, ['-e', script], { env: machineEnv(), maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as string[];
}

/** Every compiled module of the app's src/ loads from the artifact alone (lazy imports included). */
async function loadEveryModule(artifact: string): Promise<number> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.js')) files.push(join(dir, entry.name));
  };
  walk(join(artifact, 'dist', 'src'));
  const script = `for (const f of ${JSON.stringify(files)}) require(f);`;
  try {
    await run(process.execPath, ['-e', script], { cwd: artifact, env: machineEnv(), maxBuffer: 1 << 20 });
  } catch (error) {
    throw new StepFailedError(
      `a module of the artifact does not load on its own:\n${(error as { stderr?: string }).stderr}`,
    );
  }
  return files.length;
}

const firstOf = <T>(promises: Array<Promise<T>>): Promise<T> => {
  for (const p of promises) p.catch(() => undefined); // the others time out later, unobserved
  return Promise.race(promises);
};

/** Starts the artifact and drives it; returns what it showed, line by line. Throws on the first failure. */
export async function rehearseFunctionApp(
  artifact: string,
  appDir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const report: string[] = [];
  const expected = await registeredBy(appDir);
  report.push(`${await loadEveryModule(artifact)} compiled modules load from the artifact alone`);

  log('function app: starting the artifact in the local Functions host');
  const identity = await startManagedIdentityEndpoint();
  const ai = await startFakeLanguageService({ expectedToken: identity.tokenFor(COGNITIVE_SERVICES) });
  try {
    const sandbox = await startSandbox({
      appDir: artifact,
      flowsPath: 'flows',
      // The PSTN world runs 20x fast; an inbound call still rings 30 s of real time (a loaded machine answers slowly).
      acs: {
        immutableResourceId: 'rehearsal-acs-resource',
        timeScale: 0.05,
        answerDelayMs: 100,
        ringTimeoutMs: 20_000,
        incomingCallTimeoutMs: 30_000 / 0.05,
      },
      // What function-app.bicep sets, where the sandbox can stand in for it.
      env: {
        TASKHUB_NAME: 'switchboard',
        FLOWS_PATH: 'flows',
        INSIGHTS_PROVIDER: 'azure',
        LANGUAGE_ENDPOINT: ai.url,
        SPEECH_ENDPOINT: ai.url,
        RECORDINGS_DELETE_AFTER_DOWNLOAD: 'true',
        ...identity.env,
      },
    });
    try {
      const registered = (await (await fetch(`${sandbox.host.url}/admin/functions`)).json()) as {
        name: string;
        error?: string;
      }[];
      const names = registered.map((f) => f.name).sort();
      const missing = expected.filter((name) => !names.includes(name));
      const unserved = registered.filter((f) => f.error).map((f) => `${f.name} (${f.error})`);
      if (missing.length || unserved.length || names.length !== expected.length)
        throw new StepFailedError(
          `the artifact registers ${names.length} functions, the source ${expected.length}; missing: ${missing.join(', ') || 'none'}; not served: ${unserved.join(', ') || 'none'}`,
        );
      report.push(`all ${names.length} functions of packages/app register from the artifact`);

      const control = sandbox.acs.control;
      await control.configureAgent(BILLING, { kind: 'reject' });
      const since = (await control.timeline({})).at(-1)?.seq ?? 0;
      const call = await control.placeCall({ from: '+14255550123', to: MAIN_LINE });
      const serverCallId = call.serverCallId;
      await control.waitForRequest('answerCall', { serverCallId }, 60_000);
      report.push('an IncomingCall to the main line is answered');
      log('function app: the call was answered; driving it to voicemail');
      // Open hours: the menu asks first (billing, account number, billing rejects: voicemail); closed: voicemail.
      const first: TimelineEntry = await firstOf([
        control.waitForRequest('recognize', { serverCallId }, 60_000),
        control.waitForRequest('startRecording', { since }, 60_000),
      ]);
      if (first.operation === 'recognize') {
        await control.pressDigits(serverCallId, '1');
        await control.waitForRequest('recognize', { serverCallId, since: first.seq }, 60_000);
        await control.pressDigits(serverCallId, '12345678#');
        await control.waitForRequest('startRecording', { since }, 90_000);
      }
      await control.say(serverCallId, 'Hello, my internet has been down since Monday. Please call me back.');
      await control.hangUp(serverCallId);

      log('function app: voicemail recorded; waiting for its summary');
      const callId = callIdFor(serverCallId);
      const deadline = Date.now() + 120_000;
      let summary: { id?: string; source?: string; turnCount?: number } | undefined;
      while (!summary) {
        const response = await sandbox.api(`/api/summaries/${callId}`);
        if (response.status === 200) summary = (await response.json()) as typeof summary;
        else if (Date.now() > deadline)
          throw new StepFailedError(`no summary of the recorded call after 120 s (last answer ${response.status})`);
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (summary?.source !== 'recording') throw new StepFailedError(`the summary's source is ${summary?.source}`);
      if (!identity.issued.includes(COGNITIVE_SERVICES))
        throw new StepFailedError('the app never asked the managed identity endpoint for a Cognitive Services token');
      report.push(
        `the voicemail recording is transcribed and summarised (${summary.turnCount} turns) with managed identity tokens`,
      );
    } finally {
      await sandbox.stop();
    }
  } finally {
    await ai.close();
    await identity.close();
  }
  return report;
}
