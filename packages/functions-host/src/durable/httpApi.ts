import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendError, sendJson } from '../readBody';
import type { DurableClient } from './client';
import { PayloadTooLargeError } from './store';

export const DURABLE_PREFIX = '/runtime/webhooks/durabletask/';
/** The name of the system key that guards the Durable API in Azure (and here). */
export const DURABLE_SYSTEM_KEY_NAME = 'durabletask_extension';

/**
 * The durable client binding's data, as the Durable extension builds it: the webhook URLs carry the
 * `durabletask_extension` system key (`code=`) in every management and creation URL and in
 * `requiredQueryStringParameters`. No `rpcBaseUrl`: in Azure that is a loopback endpoint private to the app's
 * sandbox, which no local port can be (anyone on the machine reaches it), so the library uses the keyed URLs,
 * as it does when the extension's local RPC endpoint is off.
 */
export function durableClientData(baseUrl: string, taskHub: string, systemKey: string) {
  const base = `${baseUrl}${DURABLE_PREFIX}`.replace(/(?<!:)\/\/+/g, '/');
  const code = `code=${encodeURIComponent(systemKey)}`;
  const query = `taskHub=${taskHub}&connection=Storage&${code}`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${base}orchestrators/{functionName}[/{instanceId}]?${code}`,
      createAndWaitOnNewInstancePostUri: `${base}orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${code}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${base}instances/INSTANCEID?${query}`,
      sendEventPostUri: `${base}instances/INSTANCEID/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${base}instances/INSTANCEID/terminate?reason={text}&${query}`,
      rewindPostUri: `${base}instances/INSTANCEID/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${base}instances/INSTANCEID?${query}`,
      restartPostUri: `${base}instances/INSTANCEID/restart?${query}`,
      suspendPostUri: `${base}instances/INSTANCEID/suspend?reason={text}&${query}`,
      resumePostUri: `${base}instances/INSTANCEID/resume?reason={text}&${query}`,
    },
    baseUrl: base.replace(/\/$/, ''),
    requiredQueryStringParameters: code,
  };
}

/** Whether a request to the Durable API carries the system key (`code=` or `x-functions-key`, as in Azure). */
export function hasSystemKey(req: IncomingMessage, url: URL, keys: string[]): boolean {
  const header = req.headers['x-functions-key'];
  const given = url.searchParams.get('code') ?? (typeof header === 'string' ? header : undefined);
  if (!given) return false;
  const presented = createHash('sha256').update(given).digest();
  // Hashed first, so the comparison takes the same time whatever the lengths.
  return keys.some((key) => timingSafeEqual(presented, createHash('sha256').update(key).digest()));
}

function managementPayload(baseUrl: string, taskHub: string, systemKey: string, instanceId: string) {
  const urls = durableClientData(baseUrl, taskHub, systemKey).managementUrls;
  const payload: Record<string, string> = { id: instanceId };
  for (const [key, value] of Object.entries(urls))
    if (key !== 'id') payload[key] = value.replace('INSTANCEID', encodeURIComponent(instanceId));
  return payload;
}

/** The subset of the Durable extension's HTTP API the library's DurableClient calls. */
export async function handleDurableApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  client: DurableClient,
  baseUrl: string,
  taskHub: string,
  systemKey: string,
): Promise<void> {
  const path = url.pathname.slice(DURABLE_PREFIX.length).split('/').map(decodeURIComponent);
  const method = req.method ?? 'GET';
  let bodyText: string;
  try {
    bodyText = (await readBody(req, 16 * 1024 * 1024)).toString('utf8');
  } catch (error) {
    return sendError(res, error instanceof BodyTooLargeError ? 413 : 400, (error as Error).message);
  }
  const jsonOrUndefined = (text: string): string | undefined => {
    if (text.trim() === '') return undefined;
    JSON.parse(text); // throws on malformed input, answered as 400 below
    return text;
  };
  try {
    if (path[0] === 'orchestrators' && path[1] && method === 'POST') {
      const instanceId = path[2] || randomUUID().replace(/-/g, '');
      const result = await client.startNew(path[1], instanceId, jsonOrUndefined(bodyText));
      if (result === 'exists')
        return sendError(res, 409, `An instance with ID "${instanceId}" is already pending or running.`);
      const payload = managementPayload(baseUrl, taskHub, systemKey, instanceId);
      return sendJson(res, 202, payload, { Location: payload.statusQueryGetUri });
    }
    if (path[0] === 'instances') {
      const instanceId = path[1];
      if (!instanceId) {
        if (method === 'GET') {
          const runtimeStatus = url.searchParams.get('runtimeStatus')?.split(',').filter(Boolean);
          const from = url.searchParams.get('createdTimeFrom');
          const to = url.searchParams.get('createdTimeTo');
          return sendJson(
            res,
            200,
            await client.list({
              runtimeStatus,
              createdFrom: from ? new Date(from) : undefined,
              createdTo: to ? new Date(to) : undefined,
            }),
          );
        }
        return sendError(res, 405, 'Use GET on instances/.');
      }
      const action = path[2];
      if (!action && method === 'GET') {
        const status = await client.status(instanceId, {
          showHistory: url.searchParams.get('showHistory') === 'true',
          showInput: url.searchParams.get('showInput') !== 'false',
        });
        if (!status) return sendError(res, 404, `No instance with ID "${instanceId}".`);
        const running = status.runtimeStatus === 'Running' || status.runtimeStatus === 'Pending';
        return sendJson(res, running ? 202 : 200, status);
      }
      if (!action && method === 'DELETE') {
        const deleted = await client.purge(instanceId);
        return deleted
          ? sendJson(res, 200, { instancesDeleted: deleted })
          : sendError(res, 404, `No instance with ID "${instanceId}".`);
      }
      if (action === 'raiseEvent' && path[3] && method === 'POST') {
        const outcome = await client.raiseEvent(instanceId, path[3], jsonOrUndefined(bodyText));
        return answer(res, outcome, instanceId);
      }
      if (action === 'terminate' && method === 'POST') {
        return answer(res, await client.terminate(instanceId, url.searchParams.get('reason') ?? ''), instanceId);
      }
      if (action === 'suspend' || action === 'resume' || action === 'rewind' || action === 'restart') {
        return sendError(res, 501, `"${action}" is not supported by the local host.`);
      }
    }
    if (path[0] === 'entities') return sendError(res, 501, 'Durable entities are not supported by the local host.');
    return sendError(res, 404, `Unknown durable API path: ${url.pathname}`);
  } catch (error) {
    if (error instanceof SyntaxError) return sendError(res, 400, `The body is not valid JSON: ${error.message}`);
    if (error instanceof PayloadTooLargeError) return sendError(res, 413, error.message);
    if ((error as Error).message?.startsWith('No orchestrator function'))
      return sendError(res, 400, (error as Error).message);
    throw error;
  }
}

function answer(res: ServerResponse, outcome: 'accepted' | 'not-found' | 'gone', instanceId: string): void {
  if (outcome === 'accepted') res.writeHead(202).end();
  else if (outcome === 'gone') sendError(res, 410, `Instance "${instanceId}" has already finished.`);
  else sendError(res, 404, `No instance with ID "${instanceId}".`);
}
