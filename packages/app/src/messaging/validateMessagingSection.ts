import type { z } from 'zod';
import { messagingAgentSchema, type MessagingAgent } from '../flows/flowFileSchema';
import { NAME, type FlowSet } from '../flows/flowSchema';

// The flow file's `messaging` section: each agent checked against the schema (every problem named by
// agent and field), then rules across agents and flows that a schema cannot express.

export interface MessagingProblem {
  agent?: string;
  field?: string;
  message: string;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function issues(agent: string, list: readonly z.core.$ZodIssue[]): MessagingProblem[] {
  return list.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ agent, field: fieldPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ agent, field: fieldPath(issue.path) || undefined, message: issue.message }],
  );
}

/** Validates the raw section; returns the agents that are valid and every problem found. */
export function validateMessagingSection(raw: unknown): {
  agents: Record<string, MessagingAgent>;
  problems: MessagingProblem[];
} {
  const agents: Record<string, MessagingAgent> = {};
  const problems: MessagingProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { agents, problems: [{ field: 'messaging', message: 'must be a map of agent name to agent' }] };
  }
  for (const [name, value] of Object.entries(raw)) {
    if (!NAME.test(name)) problems.push({ agent: name, message: 'agent names are letters, digits, _ or -' });
    const parsed = messagingAgentSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(...issues(name, parsed.error.issues));
      continue;
    }
    const agent = parsed.data;
    const t = agent.whatsapp?.template;
    t?.parameters?.forEach((p, i) => {
      if (/\{\{(?!text\}\})[^}]*\}\}/.test(p))
        problems.push({
          agent: name,
          field: `whatsapp.template.parameters[${i}]`,
          message: 'only {{text}} may be used',
        });
    });
    if (!agent.numbers?.length && !agent.chat && !agent.whatsapp)
      problems.push({ agent: name, message: 'answers nothing: give it numbers, chat: true or whatsapp' });
    agents[name] = agent;
  }
  return { agents, problems };
}

/** Across agents and flows: each number, channel and the chat identity answered by one agent; callMeBack flows exist. */
export function checkMessagingAcrossFlows(set: FlowSet): MessagingProblem[] {
  const problems: MessagingProblem[] = [];
  const owner = new Map<string, string>();
  const claim = (key: string, agent: string, field: string, what: string) => {
    const other = owner.get(key);
    if (other !== undefined && other !== agent)
      problems.push({ agent, field, message: `${what} is already answered by agent "${other}"` });
    owner.set(key, agent);
  };
  for (const [name, agent] of Object.entries(set.messaging ?? {})) {
    agent.numbers?.forEach((n, i) => claim(`sms:${n}`, name, `numbers[${i}]`, n));
    if (agent.whatsapp) claim(`wa:${agent.whatsapp.channelId}`, name, 'whatsapp.channelId', 'the channel');
    if (agent.chat) claim('chat', name, 'chat', 'chat');
    const flow = agent.tools?.callMeBack?.flow;
    if (flow !== undefined && !(flow in set.flows))
      problems.push({
        agent: name,
        field: 'tools.callMeBack.flow',
        message: `refers to flow "${flow}", which does not exist`,
      });
  }
  return problems;
}

/** Each flow's `followUp` names an agent that exists and answers on that channel. */
export function checkFollowUps(set: FlowSet): { flow: string; field: string; message: string }[] {
  return Object.entries(set.flows).flatMap(([flow, definition]) => {
    const followUp = definition.followUp;
    if (!followUp) return [];
    const agent = set.messaging?.[followUp.agent];
    const problem = (message: string) => [{ flow, field: 'followUp.agent', message }];
    if (!agent) return problem(`refers to messaging agent "${followUp.agent}", which does not exist`);
    if (followUp.channel === 'sms' && !agent.numbers?.length)
      return problem(`messaging agent "${followUp.agent}" has no numbers to send SMS from`);
    if (followUp.channel === 'whatsapp' && !agent.whatsapp)
      return problem(`messaging agent "${followUp.agent}" has no whatsapp channel`);
    return [];
  });
}

export function describeProblem(file: string, p: MessagingProblem): string {
  const parts = [
    p.agent !== undefined ? `messaging agent "${p.agent}"` : undefined,
    p.field ? `field "${p.field}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${file}: ${parts ? `${parts}: ` : ''}${p.message}`;
}
