import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadApp, type AppFunction, type LoadedApp } from './appLoader';
import { Invoker } from './invoker';
import { sendError, sendJson } from './httpUtil';
import { resolveSettingExpressions, storageConnectionString } from './settings';
import { HttpTriggerRouter } from './triggers/httpTrigger';
import { handleEventGrid } from './triggers/eventGridTrigger';
import { BlobTriggerListener } from './triggers/blobTrigger';
import { TimerTriggerScheduler } from './triggers/timerTrigger';
import { DurableEngine } from './durable/engine';
import { DurableStore } from './durable/store';
import { DURABLE_PREFIX, durableClientData, handleDurableApi } from './durable/httpApi';

export interface HostOptions {
  appDir: string;
  port?: number;
  hostname?: string;
  /** When set, function- and admin-level HTTP triggers require this key (`func start` does not check keys). */
  functionKey?: string;
  blobPollMs?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  port: number;
  app: LoadedApp;
  engine?: DurableEngine;
  blobs: BlobTriggerListener;
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
  const clientData = JSON.stringify(durableClientData(url, taskHub));
  const invoker = new Invoker(
    app,
    (level, fn, message) => log(level, fn, message),
    (_fn: AppFunction, _name, type) =>
      type === 'durableClient' || type === 'orchestrationClient' ? { json: clientData } : undefined,
  );

  let engine: DurableEngine | undefined;
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
      engine = new DurableEngine({
        store: new DurableStore(storageConnectionString(undefined), taskHub),
        invoker,
        log: (level, message) => log(level, 'durable', message),
        maxConcurrentActivities: durableTask.maxConcurrentActivityFunctions,
      });
      const resumed = await engine.start();
      if (resumed) log('info', 'durable', `Resumed ${resumed} unfinished orchestration(s) from task hub ${taskHub}.`);
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
      if (requestUrl.pathname === '/runtime/webhooks/eventgrid')
        return handleEventGrid(req, res, requestUrl, invoker, (m) => log('warn', 'eventgrid', m));
      if (requestUrl.pathname.startsWith(DURABLE_PREFIX)) {
        if (!engine) return sendError(res, 404, 'This app has no Durable Functions.');
        return handleDurableApi(req, res, requestUrl, engine, url, taskHub);
      }
      if (requestUrl.pathname === '/admin/functions') {
        return sendJson(
          res,
          200,
          functions.map((f) => ({ name: f.name, trigger: f.trigger.type, error: f.error })),
        );
      }
      if (requestUrl.pathname === '/admin/host/status')
        return sendJson(res, 200, { state: 'Running', url, taskHub: engine ? taskHub : undefined });
      if (http.owns(requestUrl.pathname)) return http.handle(req, res, requestUrl);
      return sendError(res, 404, `Nothing is served at ${requestUrl.pathname}.`);
    };
    route().catch((error) => {
      // One bad invocation never takes the host down.
      log('error', 'host', `${req.method} ${requestUrl.pathname} failed: ${(error as Error).stack ?? error}`);
      sendError(res, 500, `The function failed: ${(error as Error).message}`);
    });
  });

  await blobs.start();
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
    startupMs,
    async close() {
      blobs.stop();
      timers.stop();
      engine?.stop();
      await invoker.runHooks('appTerminate', { hookData: {}, appHookData: invoker.appHookData }).catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
