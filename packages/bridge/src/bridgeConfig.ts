import { z } from 'zod';
import { ConfigError } from '@switchboard/core/errors';
import { optional, url } from '@switchboard/core/settingSchemas';

// The bridge's settings (the same names as the app's where they mean the same), validated once at start-up
// with every problem named at once. Nothing here runs at import time.

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // All interfaces in the container (the Container App's ingress reaches it there); the sandbox sets loopback.
  BRIDGE_HOST: z
    .string()
    .trim()
    .regex(/^[\w.:-]{1,253}$/, 'must be an address to listen on, e.g. 0.0.0.0 or 127.0.0.1')
    .default('0.0.0.0'),
  ACS_IMMUTABLE_RESOURCE_ID: z.string().trim().min(1, 'is required (the audience of ACS media tokens)'),
  ACS_CALLBACK_ISSUER: z.string().trim().min(1).default('https://acscallautomation.communication.azure.com'),
  ACS_CALLBACK_JWKS_URL: url(['https:', 'http:']).default(
    'https://acscallautomation.communication.azure.com/calling/keys',
  ),
  APP_BASE_URL: url(['https:', 'http:']),
  VOICE_AGENT_PROVIDER: z.enum(['voicelive', 'openai-realtime', 'local']).default('local'),
  VOICELIVE_ENDPOINT: optional(url(['https:', 'http:'])),
  VOICELIVE_MODEL: z.string().trim().min(1).default('gpt-realtime'),
  VOICELIVE_VOICE: z.string().trim().min(1).default('en-US-AvaMultilingualNeural'),
  AZURE_OPENAI_ENDPOINT: optional(url(['https:'])),
  AZURE_OPENAI_REALTIME_DEPLOYMENT: optional(z.string().trim().min(1)),
  AZURE_OPENAI_REALTIME_VOICE: z.string().trim().min(1).default('alloy'),
  VOICE_AGENT_APPEND_MS: z.coerce
    .number()
    .int()
    .min(20)
    .max(200)
    .multipleOf(20, 'must be a multiple of 20 (ACS frames are 20 ms)')
    .default(100),
  AzureWebJobsStorage: optional(z.string().trim().min(1)),
  AzureWebJobsStorage__accountName: optional(
    z
      .string()
      .trim()
      .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name'),
  ),
});

export interface BridgeConfig {
  port: number;
  /** The address to listen on (BRIDGE_HOST). */
  host: string;
  token: { jwksUrl: string; issuer: string; audience: string };
  appBaseUrl: string;
  provider:
    | { name: 'local' }
    | { name: 'voicelive'; endpoint: string; model: string; voice: string }
    | { name: 'openai-realtime'; endpoint: string; deployment: string; voice: string };
  storage: { connectionString?: string; accountName?: string };
  /** Caller audio per model append (ms): fewer, larger appends cost less CPU; the model hears it later. */
  appendMs: number;
}

export function loadBridgeConfig(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('AzureWebJobsStorage') && !set('AzureWebJobsStorage__accountName'))
    problems.push(
      'AzureWebJobsStorage: set AzureWebJobsStorage or AzureWebJobsStorage__accountName (managed identity)',
    );
  if (env.VOICE_AGENT_PROVIDER === 'voicelive' && !set('VOICELIVE_ENDPOINT'))
    problems.push('VOICELIVE_ENDPOINT: is required when VOICE_AGENT_PROVIDER=voicelive');
  if (env.VOICE_AGENT_PROVIDER === 'openai-realtime') {
    for (const key of ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_REALTIME_DEPLOYMENT'])
      if (!set(key)) problems.push(`${key}: is required when VOICE_AGENT_PROVIDER=openai-realtime`);
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const s = parsed.data;
  const provider: BridgeConfig['provider'] =
    s.VOICE_AGENT_PROVIDER === 'voicelive'
      ? { name: 'voicelive', endpoint: s.VOICELIVE_ENDPOINT!, model: s.VOICELIVE_MODEL, voice: s.VOICELIVE_VOICE }
      : s.VOICE_AGENT_PROVIDER === 'openai-realtime'
        ? {
            name: 'openai-realtime',
            endpoint: s.AZURE_OPENAI_ENDPOINT!,
            deployment: s.AZURE_OPENAI_REALTIME_DEPLOYMENT!,
            voice: s.AZURE_OPENAI_REALTIME_VOICE,
          }
        : { name: 'local' };
  return {
    port: s.PORT,
    host: s.BRIDGE_HOST,
    token: { jwksUrl: s.ACS_CALLBACK_JWKS_URL, issuer: s.ACS_CALLBACK_ISSUER, audience: s.ACS_IMMUTABLE_RESOURCE_ID },
    appBaseUrl: s.APP_BASE_URL,
    provider,
    storage: { connectionString: s.AzureWebJobsStorage, accountName: s.AzureWebJobsStorage__accountName },
    appendMs: s.VOICE_AGENT_APPEND_MS,
  };
}
