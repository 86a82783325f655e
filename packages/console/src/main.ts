// The console as its own process (`npm start` runs it beside the host and the bridge): settings from the
// environment, NODE_EXTRA_CA_CERTS naming the sandbox CA so storage and the emulator are trusted.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { startConsole } from './consoleServer';

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The console needs the setting ${name}.`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const server = await startConsole({
    port: Number(values.port),
    controlUrl: setting('ACS_CONTROL_URL'),
    caPem: readFileSync(setting('NODE_EXTRA_CA_CERTS'), 'utf8'),
    appUrl: setting('APP_BASE_URL'),
    appToken: setting('APP_API_TOKEN'),
    blobs: BlobServiceClient.fromConnectionString(setting('AzureWebJobsStorage')),
    flowsPath: setting('FLOWS_PATH'),
    root: process.cwd(),
    problems: process.env.SANDBOX_PROBLEMS ? (JSON.parse(process.env.SANDBOX_PROBLEMS) as string[]) : [],
    voiceProvider: process.env.VOICE_AGENT_PROVIDER ?? 'local',
    chat: process.env.CHAT_BOT_USER_ID
      ? { connectionString: setting('ACS_CONNECTION_STRING'), botUserId: process.env.CHAT_BOT_USER_ID }
      : undefined,
  });
  console.log(`CONSOLE_READY ${new URL(server.url).port}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  console.error(`The console could not start: ${error.message}`);
  process.exit(1);
});
