import { parseArgs } from 'node:util';
import { startAzurite } from './azurite';
import { startFunctionHost } from './functionHost';
import { AppLoadError } from './appLoader';

// `npm run host -- --app <dir> [--port 7071] [--azurite] [--key <function key>]`
// Runs any Azure Functions v4 Node app folder without Core Tools. HOST_STORAGE_TIMEOUT_MS bounds each
// call to the host's own storage (default 20 s). HOST_DURABLE_KEY sets the durabletask_extension system key the
// Durable API requires (random at each start otherwise; the app's durable client is given it either way).

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string' },
      port: { type: 'string', default: '7071' },
      azurite: { type: 'boolean', default: false },
      key: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.app) {
    console.log(
      'Usage: npm run host -- --app <folder with host.json> [--port 7071] [--azurite] [--key <function key>]',
    );
    process.exit(values.help ? 0 : 2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new AppLoadError(`--port must be a port number (got "${values.port}").`);
  const azurite = values.azurite ? await startAzurite() : undefined;
  if (azurite) process.env.AzureWebJobsStorage = azurite.connectionString;

  const storageTimeoutMs = process.env.HOST_STORAGE_TIMEOUT_MS
    ? Number(process.env.HOST_STORAGE_TIMEOUT_MS)
    : undefined;
  if (storageTimeoutMs !== undefined && !(storageTimeoutMs > 0))
    throw new AppLoadError(
      `HOST_STORAGE_TIMEOUT_MS must be a number of milliseconds (got "${process.env.HOST_STORAGE_TIMEOUT_MS}").`,
    );
  const host = await startFunctionHost({
    appDir: values.app,
    port,
    functionKey: values.key,
    durableKey: process.env.HOST_DURABLE_KEY,
    storageTimeoutMs,
  });
  console.log(
    `Functions host ready in ${host.startupMs.toFixed(0)} ms at ${host.url} (${host.app.functions.size} functions from ${host.app.dir})`,
  );
  // One machine-readable line for tools and tests that start the host as a child process.
  console.log(`HOST_READY ${JSON.stringify({ url: host.url, port: host.port, startupMs: host.startupMs })}`);

  const shutdown = async () => {
    await host.close();
    await azurite?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  // A clear sentence for what a user can fix (bad folder, settings, flows); the stack only on request.
  console.error(`Cannot start the host: ${(error as Error).message ?? error}`);
  if (process.env.HOST_DEBUG && !(error instanceof AppLoadError)) console.error((error as Error).stack);
  process.exit(1);
});
