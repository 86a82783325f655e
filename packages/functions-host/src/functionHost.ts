import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadApp, type AppFunction, type LoadedApp } from './appLoader';
import { Invoker } from './invoker';
import { sendError, sendJson } from './readBody';
import { resolveSettingExpressions, storageConnectionString } from './settings';
import { HttpTriggerRouter } from './triggers/httpTrigger';
import { handleEventGrid } from './triggers/eventGridTrigger';
import { BlobTriggerListener } from './triggers/blobTrigger';
import { BLOB_WEBHOOK_PATH, handleBlobWebhook } from './triggers/blobEventGridWebhook';
import { TimerTriggerScheduler } from './triggers/timerTrigger';
import { DurableEngine } from './durable/engine';
import { ForegroundFirst } from './foregroundFirst';
import { TableDurableStore } from './durable/tableStore';
import {
  DURABLE_PREFIX,
  DURABLE_SYSTEM_KEY_NAME,
  durableClientData,
  handleDurableApi,
  hasSystemKey,
} from './durable/httpApi';
import { RETRY_AFTER_SECONDS, StorageHealth, StorageUnavailableError } from './storageHealth';

export interface HostOptions {
  appDir: string;
  port?: number;
  hostname?: string;
  /** When set, function- and admin-level HTTP triggers require this key (`func start` does not check keys). */
  functionKey?: string;
  /**
   * The `durabletask_extension` system key the Durable API requires, as in Azure (random when not given); the
   * app's durable client gets it in its binding data. The function key, when set, is taken too (a master key).
   */
  durableKey?: string;
  blobPollMs?: number;
  /** How long any one call to the host's storage may take before it counts as unreachable. */
  storageTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  port: number;
  app: LoadedApp;
  engine?: DurableEngine;
  blobs: BlobTriggerListener;
  /** The `durabletask_extension` system key of the Durable API. */
  durableKey: string;
  startupMs: number;
  close(): Promise<void>;
}

/** A local Azure Functions host for Node v4 apps: HTTP, Event Grid, blob, timer and Durable triggers. */
export async function startFunctionHost(options: HostOptions): Promise<RunningHost> {
  const started = performance.now();
  const write = options.log ?? ((line: string) => console.log(line));
  const log = (level: string, source: string, message: string) =>
    write(`[${new Date().toISOString()}] ${level.padEnd(5)} ${source}: ${message}`);

  const app = loadApp(options.appDir);
  const functions = [...app.functions.values()];
  for (const fn of functions) if (fn.error) log('warn', 'host', fn.error);

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7071, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.hostname ?? '127.0.0.1'}:${port}`;
  // The durable client rewrites management URLs to localhost:7071 unless it knows the host name.
  process.env.WEBSITE_HOSTNAME ??= `${options.hostname ?? '127.0.0.1'}:${port}`;

  const durableTask = app.hostJson.extensions?.durableTask ?? {};
  const taskHub = resolveSettingExpressions(durableTask.hubName ?? 'TestHubName');
  const usesDurable = functions.some(
    (f) =>
      ['orchestrationTrigger', 'activityTrigger'].includes(f.trigger.type) ||
      Object.values(f.metadata.bindings).some((b) => b.type === 'durableClient'),
  );
  if (usesDurable && !/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(taskHub)) {
    server.close();
    throw new Error(
      `Task hub name "${taskHub}" (host.json extensions.durableTask.hubName) must be 3-45 letters and digits, starting with a letter.`,
    );
  }
  const durableKey = options.durableKey || randomBytes(32).toString('base64url');
  const durableKeys = [durableKey, ...(options.functionKey ? [options.functionKey] : [])];
  const clientData = JSON.stringify(durableClientData(url, taskHub, durableKey));
  const storage = new StorageHealth(options.storageTimeoutMs);
  let engine: DurableEngine | undefined;
  // Event Grid deliveries (an incoming call rings 30 s) go ahead of Durable background work and HTTP triggers.
  const priority = new ForegroundFirst();
  let engineStarted = false;
  /** Durable work needs the engine started on reachable storage; until then it is answered 503. */
  const durableUnavailable = () =>
    !engineStarted || !storage.reachable
      ? storage.reason || "The host's storage (AzureWebJobsStorage) has not answered yet."
      : undefined;
  const invoker = new Invoker(
    app,
    (level, fn, message) => log(level, fn, message),
    (_fn: AppFunction, _name, type) => {
      if (type !== 'durableClient' && type !== 'orchestrationClient') return undefined;
      // A durable client would call back into this host's API and wait on storage that is not there.
      const unavailable = durableUnavailable();
      if (unavailable) throw new StorageUnavailableError(unavailable);
      return { json: clientData };
    },
  );

  let streamUri: string | undefined;
  try {
    await invoker.runHooks('appStart', {
      hookData: {},
      appHookData: invoker.appHookData,
      functionAppDirectory: app.dir,
    });
    // As the Node worker does once the app has loaded; it also locks app.setup().
    const capabilities = await app.registrations.programmingModel?.getCapabilities?.({});
    streamUri = capabilities?.HttpUri;
    if (streamUri) log('info', 'host', 'The app streams HTTP requests and responses (enableHttpStream).');
    if (usesDurable) {
      const store = new TableDurableStore(storageConnectionString(undefined), taskHub, storage);
      const durable = new DurableEngine({
        store,
        invoker,
        log: (level, message) => log(level, 'durable', message),
        maxConcurrentActivities: durableTask.maxConcurrentActivityFunctions,
        priority,
      });
      engine = durable;
      // Storage that is down at start-up does not stop the host: it serves what needs no storage, answers
      // the rest 503, and starts the engine once a probe finds storage again.
      const startEngine = async () => {
        const resumed = await durable.start();
        engineStarted = true;
        if (resumed) log('info', 'durable', `Resumed ${resumed} unfinished orchestration(s) from task hub ${taskHub}.`);
      };
      storage.watch(() => (engineStarted ? store.init() : startEngine()));
      try {
        await startEngine();
      } catch (error) {
        if (!(error instanceof StorageUnavailableError)) throw error;
        log('error', 'durable', `${error.message} Orchestrations start once it answers.`);
      }
    }
  } catch (error) {
    server.close();
    throw error;
  }

  const http = new HttpTriggerRouter(
    functions,
    invoker,
    app.hostJson.extensions?.http?.routePrefix ?? 'api',
    options.functionKey,
    streamUri,
  );
  const blobs = new BlobTriggerListener(
    functions,
    invoker,
    (level, message) => log(level, 'blob', message),
    options.blobPollMs,
  );
  const timers = new TimerTriggerScheduler(functions, invoker, (level, message) => log(level, 'timer', message));

  server.on('request', (req, res) => {
    const requestUrl = new URL(req.url ?? '/', url);
    const route = async () => {
      // Kestrel refuses a path whose percent-encoding is not UTF-8 before any function sees it.
      if (!decodablePath(requestUrl.pathname))
        return sendError(
          res,
          400,
          `The path ${requestUrl.pathname} has invalid percent-encoding: it must decode to UTF-8.`,
        );
      if (requestUrl.pathname === '/runtime/webhooks/eventgrid')
        return priority.runForeground(() =>
          handleEventGrid(req, res, requestUrl, invoker, (m) => log('warn', 'eventgrid', m)),
        );
      if (requestUrl.pathname === BLOB_WEBHOOK_PATH)
        return handleBlobWebhook(req, res, requestUrl, blobs, (m) => log('warn', 'blob', m));
      if (requestUrl.pathname.startsWith(DURABLE_PREFIX)) {
        // As in Azure, the extension's API answers only with its system key; nothing is read before that.
        if (!hasSystemKey(req, requestUrl, durableKeys))
          return sendError(
            res,
            401,
            `The Durable Functions API requires the ${DURABLE_SYSTEM_KEY_NAME} system key (code= or x-functions-key).`,
          );
        if (!engine) return sendError(res, 404, 'This app has no Durable Functions.');
        const unavailable = durableUnavailable();
        if (unavailable) throw new StorageUnavailableError(unavailable);
        return handleDurableApi(req, res, requestUrl, engine.client, url, taskHub, durableKey);
      }
      if (requestUrl.pathname === '/admin/functions') {
        // An HTTP function also says where it answers and its authLevel (the real host lists its bindings).
        const routes = new Map(http.list().map(({ name, ...route }) => [name, route]));
        return sendJson(
          res,
          200,
          functions.map((f) => ({
            name: f.name,
            trigger: f.trigger.type,
            source: f.trigger.source,
            error: f.error,
            ...routes.get(f.name),
          })),
        );
      }
      if (requestUrl.pathname === '/admin/host/status')
        return sendJson(res, 200, { state: 'Running', url, taskHub: engine ? taskHub : undefined });
      // HTTP triggers (Call Automation callbacks above all) wait like Durable's background work while a call
      // rings: in Azure they would not share one process with the answer; here a burst's callbacks for calls
      // already answered would otherwise hold up the calls still ringing (200 at once: p99 3.7 s -> 1.5 s).
      if (http.owns(requestUrl.pathname)) return priority.runBackground(() => http.handle(req, res, requestUrl));
      return sendError(res, 404, `Nothing is served at ${requestUrl.pathname}.`);
    };
    route().catch((error) => {
      if (error instanceof StorageUnavailableError && !res.headersSent) {
        log('warn', 'host', `${req.method} ${requestUrl.pathname}: 503, ${error.message}`);
        return sendJson(res, 503, { error: error.message }, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
      }
      // One bad invocation never takes the host down.
      log('error', 'host', `${req.method} ${requestUrl.pathname} failed: ${(error as Error).stack ?? error}`);
      sendError(res, 500, `The function failed: ${(error as Error).message}`);
    });
  });

  // Blob triggers wait on storage too: bounded, so that storage that does not answer delays nothing else.
  const blobsStarted = blobs.start();
  const blobsTimeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), storage.timeoutMs).unref(),
  );
  if ((await Promise.race([blobsStarted.then(() => 'started' as const), blobsTimeout])) === 'timeout')
    log('error', 'blob', `Blob triggers did not start within ${storage.timeoutMs} ms: storage does not answer.`);
  timers.start();
  const startupMs = performance.now() - started;

  for (const route of http.list())
    log('info', 'host', `${route.name}: [${route.methods.join(',')}] ${url}${route.route}`);
  for (const fn of functions.filter((f) => f.trigger.type === 'eventGridTrigger'))
    log('info', 'host', `${fn.name}: [eventGrid] ${url}/runtime/webhooks/eventgrid?functionName=${fn.name}`);
  for (const name of blobs.functionNames)
    log('info', 'host', `${name}: [blob] ${String(app.functions.get(name)?.trigger.path)}`);

  return {
    url,
    port,
    app,
    engine,
    blobs,
    durableKey,
    startupMs,
    async close() {
      blobs.stop();
      timers.stop();
      engine?.stop();
      storage.stop();
      await invoker.runHooks('appTerminate', { hookData: {}, appHookData: invoker.appHookData }).catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
