// Start-up options of the emulator and their defaults. Every duration is in milliseconds of "ACS time";
// `timeScale` multiplies the simulated ones (ringing, prompts, silences) so tests run fast without sleeping.
import { randomUUID } from 'node:crypto';

export type AgentBehaviour =
  | { kind: 'answer'; afterMs?: number }
  | { kind: 'reject'; afterMs?: number }
  | { kind: 'noAnswer' }
  /** A person decides (the console, or POST /control/calls/{id}/ringing): it rings until then or the timeout. */
  | { kind: 'manual' };

export interface SubscriptionOptions {
  /** Webhook that receives the events (EventGrid schema). */
  endpoint: string;
  /** Event types to deliver, e.g. `Microsoft.Communication.IncomingCall`; none = every type. */
  eventTypes?: string[];
  maxDeliveryAttempts?: number;
  id?: string;
  /** Event Grid's subject filter: only events whose subject starts with this (e.g. one blob container). */
  subjectBeginsWith?: string;
}

export interface AcsEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Base64 access key of the connection string; random when absent. */
  accessKey?: string;
  /** Audience of callback JWTs (`ACS_IMMUTABLE_RESOURCE_ID`). */
  immutableResourceId?: string;
  /** Issuer of callback JWTs. */
  issuer?: string;
  /** Directory of the CA and server certificate (default `.sandbox/certs` at the repo root). */
  certDir?: string;
  /** Multiplies simulated durations (ring timeouts, prompt lengths, recognize timeouts). */
  timeScale?: number;
  /** How long a phone rings before it counts as not answered (transfers, added participants, outbound calls). */
  ringTimeoutMs?: number;
  /** How long an inbound call rings for the app before the caller gives up (ACS: 30 s). */
  incomingCallTimeoutMs?: number;
  /** How long an agent configured to answer takes by default. */
  answerDelayMs?: number;
  /** Length of a played prompt: per character of text, and for a file. */
  playMsPerCharacter?: number;
  playFileMs?: number;
  /** Real (unscaled) timeout of one HTTP delivery to a callback URI. */
  deliveryTimeoutMs?: number;
  /** Real (unscaled) timeout of one Event Grid delivery attempt (Event Grid: 30 s). */
  eventGridDeliveryTimeoutMs?: number;
  /** Event Grid retry delays (scaled), the last one repeating; and the default max attempts. */
  eventGridRetryDelaysMs?: number[];
  eventGridMaxDeliveryAttempts?: number;
  /** Send IncomingCall twice to subscriptions without a type filter, as ACS does. */
  duplicateIncomingCallWhenUnfiltered?: boolean;
  /** Event Grid subscriptions at start: a list, or a JSON file holding one. */
  subscriptions?: SubscriptionOptions[];
  subscriptionsFile?: string;
  /** How numbers and users in the PSTN world answer transfers, added participants and outbound calls. */
  agents?: Record<string, AgentBehaviour>;
  defaultAgentBehaviour?: AgentBehaviour;
  /** Phone numbers owned by the resource (SMS senders); empty = any valid number may send. */
  phoneNumbers?: string[];
  /** Maximum request body in bytes (ACS rejects larger bodies). */
  maxBodyBytes?: number;
  /** Tolerated clock skew of x-ms-date in HMAC-signed requests. */
  maxClockSkewMs?: number;
  /** Entries kept in the timeline. */
  timelineLimit?: number;
}

export interface ResolvedOptions extends Required<Omit<AcsEmulatorOptions, 'subscriptionsFile' | 'certDir'>> {
  certDir?: string;
  subscriptionsFile?: string;
  resourceName: string;
}

export function resolveOptions(options: AcsEmulatorOptions): ResolvedOptions {
  const immutableResourceId = options.immutableResourceId ?? randomUUID();
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    accessKey: options.accessKey ?? Buffer.from(randomUUID() + randomUUID()).toString('base64'),
    immutableResourceId,
    issuer: options.issuer ?? 'https://acscallautomation.communication.azure.com',
    certDir: options.certDir,
    timeScale: options.timeScale ?? 1,
    ringTimeoutMs: options.ringTimeoutMs ?? 30_000,
    incomingCallTimeoutMs: options.incomingCallTimeoutMs ?? 30_000,
    answerDelayMs: options.answerDelayMs ?? 2_000,
    playMsPerCharacter: options.playMsPerCharacter ?? 60,
    playFileMs: options.playFileMs ?? 3_000,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 10_000,
    eventGridDeliveryTimeoutMs: options.eventGridDeliveryTimeoutMs ?? 30_000,
    eventGridRetryDelaysMs: options.eventGridRetryDelaysMs ?? [
      10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000,
    ],
    eventGridMaxDeliveryAttempts: options.eventGridMaxDeliveryAttempts ?? 30,
    duplicateIncomingCallWhenUnfiltered: options.duplicateIncomingCallWhenUnfiltered ?? true,
    subscriptions: options.subscriptions ?? [],
    subscriptionsFile: options.subscriptionsFile,
    agents: options.agents ?? {},
    defaultAgentBehaviour: options.defaultAgentBehaviour ?? { kind: 'answer' },
    phoneNumbers: options.phoneNumbers ?? [],
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxClockSkewMs: options.maxClockSkewMs ?? 15 * 60 * 1000,
    timelineLimit: options.timelineLimit ?? 10_000,
    resourceName: 'switchboard-sandbox',
  };
}
