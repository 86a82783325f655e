import type { CallAutomationClient } from '@azure/communication-call-automation';
import type { SmsClient } from '@azure/communication-sms';
import { getConfig, type Config } from '../config';
import { createCallAutomationClient, createSmsClient } from '../acs/acsClients';
import { loadFlows } from '../flows/loadFlows';
import type { FlowSet } from '../flows/flowSchema';
import { cappedFlowsReached } from '../call/cappedFlowsReached';
import { createRouter } from '../call/routeCall';
import type { RouteDecision, RouteRequest } from '../call/routeCall';
import { CallClaims } from '../call/callClaims';
import { ActiveCalls } from '../call/activeCalls';
import { LiveCalls } from '../call/liveCalls';
import { CampaignContacts } from '../call/campaign/campaignContacts';
import { OptOutList } from '../messaging/optOutList';
import { createBotChatClient } from '../messaging/botChatClient';
import type { ChatClient } from '@azure/communication-chat';
import { createCallActivities } from '../call/activities';
import { createBlobServiceClient, createTableClient } from '@switchboard/core/storage/storageClients';
import { EventDeadLetters } from '../storage/eventDeadLetters';
import { CallbackSecrets } from '../call/callbackSecrets';
import { SealedValues } from '../call/sealedValues';
import { TokenReplayGuard } from '../acs/tokenReplayGuard';
import { FirstUseTable } from '../storage/firstUseTable';
import { RateCaps } from '../api/outboundPolicy';

/** The app's long-lived clients and loaded flows, built once from the validated config. */
export interface Services {
  config: Config;
  flows: FlowSet;
  route: (request: RouteRequest) => RouteDecision;
  claims: CallClaims;
  activeCalls: ActiveCalls;
  /** Calls ACS has connected, until the orphan sweep sees their orchestration over. */
  liveCalls: LiveCalls;
  /** The callees of each campaign, kept outside its orchestration. */
  campaignContacts: CampaignContacts;
  optOut: OptOutList;
  /** The bot's chat client, when CHAT_BOT_USER_ID names its identity. */
  botChat?: ChatClient;
  /** The flows that cap their calls in progress (overflow.maxActiveCalls) a call to a number can reach. */
  cappedFlowsReached: (dialled: string) => string[];
  callAutomation: CallAutomationClient;
  sms: SmsClient;
  activities: ReturnType<typeof createCallActivities>;
  callbackSecrets: CallbackSecrets;
  callbackSecret: (callId: string) => Promise<string>;
  /** Seals a caller's number before it goes into an orchestration, and opens it in an activity. */
  sealed: SealedValues;
  replayGuard: TokenReplayGuard;
  /** Prompts sent, by call connection and operationContext (the activities' ledger against repeated prompts). */
  promptsSent: FirstUseTable;
  rateCaps: RateCaps;
  /** Poison events answered as handled, with the reason (deadletter/events/). */
  deadLetters: EventDeadLetters;
}

/** Builds the app's clients from the validated config and loads its flows (see getServices). */
export function buildServices(): Services {
  const config = getConfig();
  const flows = loadFlows(config.flowsPath);
  const callAutomation = createCallAutomationClient(config);
  const sms = createSmsClient(config);
  const optOut = new OptOutList(createTableClient(config, `${config.taskHub}SmsOptOut`));
  const callbackSecrets = new CallbackSecrets(createTableClient(config, `${config.taskHub}Secrets`));
  const callbackSecret = (callId: string) => callbackSecrets.secretFor(callId);
  const sealed = new SealedValues(() => callbackSecrets.masterKey());
  const activeCalls = new ActiveCalls(createTableClient(config, `${config.taskHub}ActiveCalls`));
  const claims = new CallClaims(createTableClient(config, `${config.taskHub}Calls`));
  const liveCalls = new LiveCalls(createTableClient(config, `${config.taskHub}LiveCalls`));
  const promptsSent = new FirstUseTable(createTableClient(config, `${config.taskHub}Prompts`));
  return {
    config,
    flows,
    route: createRouter(flows),
    claims,
    activeCalls,
    liveCalls,
    campaignContacts: new CampaignContacts(createTableClient(config, `${config.taskHub}CampaignContacts`)),
    optOut,
    botChat: config.chat.botUserId ? createBotChatClient(config, config.chat.botUserId) : undefined,
    cappedFlowsReached: cappedFlowsReached(flows),
    callAutomation,
    sms,
    deadLetters: new EventDeadLetters(createBlobServiceClient(config)),
    activities: createCallActivities({
      config,
      client: callAutomation,
      sms,
      callbackSecret,
      isOptedOut: (number) => optOut.isOptedOut(number),
      activeCalls,
      promptsSent,
      connectionOf: (callId) => claims.connectionOf(callId),
      open: (value) => sealed.open(value),
      liveCalls,
    }),
    callbackSecrets,
    callbackSecret,
    sealed,
    replayGuard: new TokenReplayGuard(createTableClient(config, `${config.taskHub}CallbackJti`)),
    promptsSent,
    rateCaps: new RateCaps(createTableClient(config, `${config.taskHub}RateCaps`)),
  };
}
