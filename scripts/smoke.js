#!/usr/bin/env node
// npm run smoke -- <function app URL>: checks a deployment from outside, as a caller and Event Grid see it,
// and says in words what is wrong. Health, flows loaded and telemetry come from /api/health; the Event Grid
// validation handshake is tried on every subscription endpoint (the system keys come from `az functionapp
// keys list` when AZURE_RESOURCE_GROUP and AZURE_FUNCTION_APP_NAME are set, as azd sets them; a local host
// needs none).
'use strict';
const { spawnSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');

const EVENT_GRID_FUNCTIONS = ['incomingCall', 'recordingFileStatusUpdated', 'smsReceived', 'chatMessageReceived'];
const BLOB_FUNCTIONS = ['transcribeRecording', 'summarizeTranscript', 'summarizeChatExport'];

function systemKeys() {
  const { AZURE_RESOURCE_GROUP: rg, AZURE_FUNCTION_APP_NAME: name } = process.env;
  if (!rg || !name) return undefined;
  const run = spawnSync(
    'az',
    ['functionapp', 'keys', 'list', '-g', rg, '-n', name, '--query', 'systemKeys', '-o', 'json'],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) return undefined;
  try {
    return JSON.parse(run.stdout);
  } catch {
    return undefined;
  }
}

async function handshake(url) {
  const code = randomUUID();
  const event = {
    id: randomUUID(),
    topic: 'smoke',
    subject: '',
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: new Date().toISOString(),
    dataVersion: '2',
    metadataVersion: '1',
    data: { validationCode: code },
  };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
    body: JSON.stringify([event]),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 401 || response.status === 403)
    return `refused (HTTP ${response.status}): the system key is missing or wrong`;
  if (response.status === 404) return 'not found: the function is not deployed, or its name differs';
  if (response.status !== 200) return `answered HTTP ${response.status}`;
  const body = await response.json().catch(() => ({}));
  return body.validationResponse === code ? undefined : 'answered without the validation code';
}

async function main() {
  const base = (process.argv[2] ?? process.env.AZURE_FUNCTION_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) {
    console.error('Usage: npm run smoke -- <function app URL, e.g. https://func-xyz.azurewebsites.net>');
    process.exit(2);
  }
  const problems = [];
  const ok = (what) => console.log(`ok    ${what}`);
  const bad = (what) => {
    problems.push(what);
    console.log(`FAIL  ${what}`);
  };

  let health;
  try {
    const response = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(60_000) });
    if (response.status !== 200)
      bad(
        `health: ${base}/api/health answered HTTP ${response.status} (the app may have failed to start: see Application Insights traces)`,
      );
    else health = await response.json();
  } catch (error) {
    bad(`health: ${base} is unreachable (${error.message})`);
  }
  if (health) {
    ok(`health: ${health.status}, task hub ${health.taskHub}, ACS by ${health.acs}`);
    if (health.flows > 0) ok(`flows: ${health.flows} loaded`);
    else bad('flows: none loaded (FLOWS_PATH points at no flow files)');
    if (health.telemetry === 'azure-monitor') ok('telemetry: OpenTelemetry to Azure Monitor is on');
    else bad('telemetry: off (APPLICATIONINSIGHTS_CONNECTION_STRING is not set on the app)');
  }

  // The APIs take an Entra token and no function key: without a token the app itself refuses with a Bearer
  // challenge, while the platform's 401 for a missing function key has none.
  try {
    const response = await fetch(`${base}/api/calls/smoke-check`, { signal: AbortSignal.timeout(60_000) });
    await response.body?.cancel();
    if (response.status === 401 && /^Bearer /i.test(response.headers.get('www-authenticate') ?? ''))
      ok('API auth: a request without a token is refused by the app (Entra bearer token, no function key)');
    else
      bad(
        `API auth: GET /api/calls/<id> without a token answered HTTP ${response.status} without a Bearer challenge (a function key in the way, or no token check)`,
      );
  } catch (error) {
    bad(`API auth: ${base}/api/calls is unreachable (${error.message})`);
  }

  const keys = systemKeys();
  const local = /^http:\/\/(127\.0\.0\.1|localhost)/.test(base);
  if (!keys && !local) {
    bad(
      'Event Grid handshake: no system keys (sign in with az, and set AZURE_RESOURCE_GROUP and AZURE_FUNCTION_APP_NAME)',
    );
  } else {
    const code = (name) => (keys?.[name] ? `&code=${encodeURIComponent(keys[name])}` : '');
    const endpoints = [
      ...EVENT_GRID_FUNCTIONS.map((f) => [
        f,
        `${base}/runtime/webhooks/eventgrid?functionName=${f}${code('eventgrid_extension')}`,
      ]),
      ...BLOB_FUNCTIONS.map((f) => [
        f,
        `${base}/runtime/webhooks/blobs?functionName=Host.Functions.${f}${code('blobs_extension')}`,
      ]),
    ];
    for (const [name, url] of endpoints) {
      const problem = await handshake(url).catch((error) => `unreachable (${error.message})`);
      if (problem) bad(`Event Grid handshake for ${name}: ${problem}`);
      else ok(`Event Grid handshake for ${name}`);
    }
  }
  console.log(problems.length ? `\n${problems.length} problem(s).` : '\nThe deployment looks healthy.');
  process.exit(problems.length ? 1 : 0);
}

void main();
