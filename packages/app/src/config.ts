import { z } from 'zod';
import { ConfigError } from '@switchboard/core/errors';
import type { ConnectTimings } from './call/types';
import { optional, url } from '@switchboard/core/settingSchemas';

// Every app setting named in docs/architecture.md, validated once at start-up (an appStart hook calls
// loadConfig); nothing here runs at import time, so tests and tools can import freely.

const guid = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `is required (${what})` : undefined) })
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `must be ${what}`)
    .toLowerCase(); // as Entra writes ids in tokens

const settingsSchema = z.object({
  AzureWebJobsStorage: optional(z.string().trim().min(1)),
  // Identity-based connection in Azure (managed identity, no keys): the account name alone.
  AzureWebJobsStorage__accountName: optional(
    z
      .string()
      .trim()
      .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name'),
  ),
  TASKHUB_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,44}$/, 'must be 3-45 letters and digits, starting with a letter'),
  ACS_ENDPOINT: optional(url(['https:'])),
  ACS_CONNECTION_STRING: optional(
    z.string().regex(/endpoint=.+;accesskey=.+/i, 'must look like endpoint=...;accesskey=...'),
  ),
  ACS_IMMUTABLE_RESOURCE_ID: z.string().trim().min(1, 'is required (the audience of ACS callback tokens)'),
  ACS_CALLBACK_ISSUER: z.string().trim().min(1).default('https://acscallautomation.communication.azure.com'),
  ACS_CALLBACK_JWKS_URL: url(['https:', 'http:']).default(
    'https://acscallautomation.communication.azure.com/calling/keys',
  ),
  CALLBACK_BASE_URL: url(['https:', 'http:']),
  COGNITIVE_SERVICES_ENDPOINT: optional(url(['https:', 'http:'])),
  MEDIA_BRIDGE_URL: optional(url(['wss:', 'ws:'])),
  INSIGHTS_PROVIDER: z.enum(['azure', 'local']).default('local'),
  LANGUAGE_ENDPOINT: optional(url(['https:', 'http:'])),
  SPEECH_ENDPOINT: optional(url(['https:', 'http:'])),
  FLOWS_PATH: z.string().trim().min(1).default('flows'),
  RECORDINGS_DELETE_AFTER_DOWNLOAD: z.enum(['true', 'false']).default('false'),
  CHAT_BOT_USER_ID: optional(
    z
      .string()
      .trim()
      .regex(/^8:acs:/, 'must be an ACS user id (8:acs:...)'),
  ),
  // Locked-down APIs: Entra ID access tokens for the API's app registration (the tenant's keys unless
  // overridden: the sandbox's local issuer), an allow-list of destinations, rate caps and a campaign size cap.
  API_AUTH_TENANT_ID: guid("the Entra tenant's id, a GUID (az account show --query tenantId)"),
  API_AUTH_CLIENT_ID: guid("the API app registration's Application (client) ID, a GUID (docs/deploy.md)"),
  // v1.0 tokens name the API by the URI the client asked for; api://{client id} unless set.
  API_AUTH_AUDIENCE: optional(
    z
      .string()
      .trim()
      .regex(
        /^(api|https):\/\/\S+$/,
        "must be the API app registration's Application ID URI (api://... or https://...)",
      ),
  ),
  API_AUTH_JWKS_URL: optional(url(['https:', 'http:'])),
  OUTBOUND_ALLOWED_PREFIXES: z
    .string()
    .trim()
    .default('')
    .refine(
      (v) => v === '' || v.split(',').every((p) => /^\+\d{1,15}$/.test(p.trim())),
      'must be comma-separated E.164 prefixes such as +1,+44',
    ),
  CALLS_PER_MINUTE_PER_CALLER: z.coerce.number().int().min(1).default(10),
  CALLS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  CAMPAIGN_MAX_CONTACTS: z.coerce.number().int().min(1).max(10_000).default(500),
  CHAT_AGENT_USER_ID: optional(
    z
      .string()
      .trim()
      .regex(/^8:acs:/, 'must be an ACS user id (8:acs:...)'),
  ),
  MESSAGING_PROVIDER: z.enum(['azure-openai', 'local']).default('local'),
  AZURE_OPENAI_ENDPOINT: optional(url(['https:'])),
  AZURE_OPENAI_CHAT_DEPLOYMENT: optional(z.string().trim().min(1)),
  AZURE_OPENAI_API_VERSION: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must be an API version like 2024-10-21')
    .default('2024-10-21'),
  MESSAGING_CONVERSATION_TTL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  // A call whose CallConnected has not come is checked with ACS this long after its orchestration starts (plus a
  // placed call's ring time), and again at that interval; it is given up (and hung up) at the timeout.
  CALL_CONNECT_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  CALL_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  // Conversation analytics: the secret the customer's number is hashed with (per deployment; without it,
  // annotations carry no customer identity), and how long annotations and rollups are kept.
  INSIGHTS_CUSTOMER_SALT: optional(z.string().trim().min(16, 'must be at least 16 characters (a random secret)')),
  INSIGHTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // Who answers POST /api/insights/ask: Azure OpenAI over the retrieved records, or the offline extractive answer.
  INSIGHTS_ASK_PROVIDER: z.enum(['azure-openai', 'local']).default('local'),
});

/** Rules across settings, checked on the raw values so they are reported with every other problem. */
function crossSettingProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (!set('AzureWebJobsStorage') && !set('AzureWebJobsStorage__accountName')) {
    problems.push(
      'AzureWebJobsStorage: set AzureWebJobsStorage (connection string) or AzureWebJobsStorage__accountName (managed identity)',
    );
  }
  if (!set('ACS_ENDPOINT') && !set('ACS_CONNECTION_STRING'))
    problems.push('ACS_ENDPOINT: set ACS_ENDPOINT (managed identity) or ACS_CONNECTION_STRING');
  if (env.INSIGHTS_PROVIDER === 'azure') {
    for (const key of ['LANGUAGE_ENDPOINT', 'SPEECH_ENDPOINT'])
      if (!set(key)) problems.push(`${key}: is required when INSIGHTS_PROVIDER=azure`);
  }
  if (env.MESSAGING_PROVIDER === 'azure-openai') {
    for (const key of ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_CHAT_DEPLOYMENT'])
      if (!set(key)) problems.push(`${key}: is required when MESSAGING_PROVIDER=azure-openai`);
  }
  if (env.INSIGHTS_ASK_PROVIDER === 'azure-openai') {
    for (const key of ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_CHAT_DEPLOYMENT'])
      if (!set(key)) problems.push(`${key}: is required when INSIGHTS_ASK_PROVIDER=azure-openai`);
  }
  if (Number(env.CALL_CONNECT_CHECK_SECONDS ?? 15) > Number(env.CALL_CONNECT_TIMEOUT_SECONDS ?? 60))
    problems.push('CALL_CONNECT_CHECK_SECONDS: must not exceed CALL_CONNECT_TIMEOUT_SECONDS');
  return problems;
}

export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  storage: { connectionString?: string; accountName?: string };
  taskHub: string;
  acs: {
    endpoint?: string;
    connectionString?: string;
    immutableResourceId: string;
    callbackIssuer: string;
    callbackJwksUrl: string;
  };
  callbackBaseUrl: string;
  cognitiveServicesEndpoint?: string;
  mediaBridgeUrl?: string;
  insights: {
    provider: 'azure' | 'local';
    languageEndpoint?: string;
    speechEndpoint?: string;
  };
  /** Conversation analytics: the HMAC key of customers' hashed identities, and how many days records are kept. */
  analytics: { customerSalt?: string; retentionDays: number; askProvider: 'azure-openai' | 'local' };
  flowsPath: string;
  /** Delete a recording from ACS once its copy is committed to blob storage. */
  deleteRecordingsAfterDownload: boolean;
  /** The chat bot's own ACS identity, and the person (or queue) it escalates to. */
  chat: { botUserId?: string; agentUserId?: string };
  /** The messaging agents' model, and how long an idle conversation is remembered. */
  messaging: {
    provider: 'azure-openai' | 'local';
    openAiEndpoint?: string;
    chatDeployment?: string;
    openAiApiVersion: string;
    conversationTtlMinutes: number;
  };
  /** When a call whose CallConnected has not come is checked with ACS, and when it is given up. */
  callConnect: ConnectTimings;
  api: {
    tenantId: string;
    /** The API app registration's Application (client) ID: the audience of v2.0 tokens (v1.0 may use it too). */
    clientId: string;
    /** Its Application ID URI: the audience of v1.0 tokens requested for that resource. */
    appIdUri: string;
    /** The issuer of each token version Entra issues for the tenant (`ver` 1.0 and 2.0). */
    issuers: { v1: string; v2: string };
    /** The tenant's signing keys (one set signs both versions). */
    jwksUrl: string;
    /** E.164 prefixes outbound calls may go to; empty allows none. */
    allowedPrefixes: string[];
    callsPerMinutePerCaller: number;
    callsPerMinute: number;
    campaignMaxContacts: number;
  };
}

/** The `iss` of each access token version Entra issues for a tenant (Microsoft identity platform, access tokens). */
export function entraIssuers(tenantId: string): { v1: string; v2: string } {
  return { v1: `https://sts.windows.net/${tenantId}/`, v2: `https://login.microsoftonline.com/${tenantId}/v2.0` };
}

/** Validates the settings; throws one ConfigError naming every setting that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = settingsSchema.safeParse(env);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`)),
    ...crossSettingProblems(env),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const s = parsed.data;
  return {
    storage: { connectionString: s.AzureWebJobsStorage, accountName: s.AzureWebJobsStorage__accountName },
    taskHub: s.TASKHUB_NAME,
    acs: {
      endpoint: s.ACS_ENDPOINT,
      connectionString: s.ACS_CONNECTION_STRING,
      immutableResourceId: s.ACS_IMMUTABLE_RESOURCE_ID,
      callbackIssuer: s.ACS_CALLBACK_ISSUER,
      callbackJwksUrl: s.ACS_CALLBACK_JWKS_URL,
    },
    callbackBaseUrl: s.CALLBACK_BASE_URL.replace(/\/+$/, ''),
    cognitiveServicesEndpoint: s.COGNITIVE_SERVICES_ENDPOINT,
    mediaBridgeUrl: s.MEDIA_BRIDGE_URL,
    insights: {
      provider: s.INSIGHTS_PROVIDER,
      languageEndpoint: s.LANGUAGE_ENDPOINT,
      speechEndpoint: s.SPEECH_ENDPOINT,
    },
    analytics: {
      customerSalt: s.INSIGHTS_CUSTOMER_SALT,
      retentionDays: s.INSIGHTS_RETENTION_DAYS,
      askProvider: s.INSIGHTS_ASK_PROVIDER,
    },
    flowsPath: s.FLOWS_PATH,
    deleteRecordingsAfterDownload: s.RECORDINGS_DELETE_AFTER_DOWNLOAD === 'true',
    chat: { botUserId: s.CHAT_BOT_USER_ID, agentUserId: s.CHAT_AGENT_USER_ID },
    messaging: {
      provider: s.MESSAGING_PROVIDER,
      openAiEndpoint: s.AZURE_OPENAI_ENDPOINT,
      chatDeployment: s.AZURE_OPENAI_CHAT_DEPLOYMENT,
      openAiApiVersion: s.AZURE_OPENAI_API_VERSION,
      conversationTtlMinutes: s.MESSAGING_CONVERSATION_TTL_MINUTES,
    },
    callConnect: { checkSeconds: s.CALL_CONNECT_CHECK_SECONDS, timeoutSeconds: s.CALL_CONNECT_TIMEOUT_SECONDS },
    api: {
      tenantId: s.API_AUTH_TENANT_ID,
      clientId: s.API_AUTH_CLIENT_ID,
      appIdUri: s.API_AUTH_AUDIENCE ?? `api://${s.API_AUTH_CLIENT_ID}`,
      issuers: entraIssuers(s.API_AUTH_TENANT_ID),
      jwksUrl: s.API_AUTH_JWKS_URL ?? `https://login.microsoftonline.com/${s.API_AUTH_TENANT_ID}/discovery/v2.0/keys`,
      allowedPrefixes: s.OUTBOUND_ALLOWED_PREFIXES.split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      callsPerMinutePerCaller: s.CALLS_PER_MINUTE_PER_CALLER,
      callsPerMinute: s.CALLS_PER_MINUTE,
      campaignMaxContacts: s.CAMPAIGN_MAX_CONTACTS,
    },
  };
}

let cached: Config | undefined;

/** The validated config; the first call validates (the app's start-up hook makes that call). */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}
