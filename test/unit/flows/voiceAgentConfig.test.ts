import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentConfigFor } from '@switchboard/app/call/voiceAgentRoute';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';

// What the media bridge runs for a voiceAgent step: the app's voice-agent route turns the flow's step into
// the agent config (test/bridge/ then drives the bridge with such configs, tools included).

const flows = parseFlowFile(
  `flows:
  support:
    numbers: ["+18005550100"]
    voice: { name: en-US-JennyNeural }
    start: agent
    steps:
      agent:
        voiceAgent:
          instructions: "Help with orders."
          greeting: "Hi, how can I help?"
          maxMinutes: 5
          handoff: person
          fallback: bye
          tools:
            - name: orderStatus
              description: Look up an order
              parameters: { type: object, properties: { orderId: { type: string } }, required: [orderId] }
              url: https://orders.contoso.example/status
              auth: managedIdentity
              scope: api://contoso-orders/.default
              timeoutSeconds: 3
            - name: storeHours
              description: Opening hours of a store
              url: https://stores.contoso.example/hours
        next: plain
      plain: { voiceAgent: { instructions: "Just talk." }, next: bye }
      person: { transfer: "+18005550111", fallback: bye }
      bye: { say: Goodbye, hangup: true }
`,
  'flows/support.yaml',
);
const flow = flows.flows.support;

describe('the agent a voiceAgent step gives the media bridge', () => {
  it("carries the flow's HTTP tools with their schema, URL, identity and timeout in milliseconds", () => {
    const agent = agentConfigFor('call-1', flow, 'agent');
    assert.ok(agent);
    assert.deepEqual(agent.tools, [
      {
        name: 'orderStatus',
        description: 'Look up an order',
        parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
        url: 'https://orders.contoso.example/status',
        auth: 'managedIdentity',
        scope: 'api://contoso-orders/.default',
        timeoutMs: 3_000,
      },
      {
        name: 'storeHours',
        description: 'Opening hours of a store',
        parameters: { type: 'object', properties: {} },
        url: 'https://stores.contoso.example/hours',
        auth: 'none',
        scope: undefined,
        timeoutMs: 5_000,
      },
    ]);
    assert.equal(agent.canHandoff, true);
    assert.equal(agent.maxMs, 5 * 60_000);
    assert.equal(agent.greeting, 'Hi, how can I help?');
    assert.equal(agent.voice, 'en-US-JennyNeural', "the flow's voice when the step names none");
  });

  it('gives a step without tools, hand-off or limit no tools, no hand-off and 30 minutes', () => {
    const agent = agentConfigFor('call-2', flow, 'plain');
    assert.deepEqual(agent && [agent.tools, agent.canHandoff, agent.maxMs], [[], false, 30 * 60_000]);
  });

  it('gives nothing for a step that is not a voice agent', () => {
    assert.equal(agentConfigFor('call-3', flow, 'bye'), undefined);
    assert.equal(agentConfigFor('call-3', flow, undefined), undefined);
  });
});
