import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '@switchboard/core/errors';
import { flowJsonSchema } from '@switchboard/app/flows/flowJsonSchema';
import { parseFlowFile } from '@switchboard/app/flows/parseFlowFile';

// A flow file's voiceAgent step: what its fields mean (the editor schema and docs/flow-language.md are made from
// these descriptions) and the error a bad tool gets, naming file, flow, step and field.

const FILE = 'flows/agent.yaml';
const WHERE = `${FILE}: flow "support", step "agent", field`;

/** A flow whose agent step declares `tools` (YAML list lines); its problems, one line each ([] when valid). */
function problemsWithTools(tools: string[]): string[] {
  const yaml = `flows:
  support:
    numbers: ["+18005550100"]
    start: agent
    steps:
      agent:
        voiceAgent:
          instructions: "Help with orders."
          handoff: person
          tools:
${tools.map((t) => `            - ${t}`).join('\n')}
      person: { transfer: "+18005550133" }
`;
  try {
    parseFlowFile(yaml, FILE);
    return [];
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return [...error.details];
  }
}

const ok = '{ name: orderStatus, description: "Where an order is.", url: "https://api.contoso.example/orders" }';

describe("a flow's voiceAgent step", () => {
  it('accepts HTTP tools with a JSON Schema for their arguments, managed identity and a timeout', () => {
    assert.deepEqual(
      problemsWithTools([
        ok,
        '{ kind: http, name: refund, description: "Refunds an order.", url: "https://api.contoso.example/refund", parameters: { type: object, properties: { orderId: { type: string } }, required: [orderId] }, auth: managedIdentity, scope: "api://orders-api/.default", timeoutSeconds: 10 }',
      ]),
      [],
    );
  });

  it('rejects a tool URL that is not a URL, or is http, naming the field', () => {
    const problems = problemsWithTools([
      ok.replace('https://api.contoso.example/orders', 'orders service'),
      ok.replace('orderStatus', 'plainHttp').replace('https:', 'http:'),
    ]);
    assert.deepEqual(problems, [
      `${WHERE} "voiceAgent.tools[0].url": must be an https URL, e.g. https://api.contoso.com/orders/status`,
      `${WHERE} "voiceAgent.tools[1].url": must be https, not http: the bridge sends the caller's words and its token only over https`,
    ]);
  });

  it('rejects an unknown tool kind, and a built-in tool listed as if it were one', () => {
    const problems = problemsWithTools([
      ok.replace('{ name', '{ kind: mcp, name'),
      'handoff',
      ok.replace('orderStatus', 'endCall'),
    ]);
    assert.deepEqual(problems, [
      `${WHERE} "voiceAgent.tools[0].kind": is not a tool kind: tools are http (handoff and endCall are built in)`,
      `${WHERE} "voiceAgent.tools[1]": must be an HTTP tool {name, description, url, ...}; handoff and endCall are built in, not listed here`,
    ]);
    // The schema checks the list first: a built-in name is caught once the list's shape is right.
    assert.deepEqual(problemsWithTools([ok.replace('orderStatus', 'endCall')]), [
      `${WHERE} "voiceAgent.tools[0].name": "endCall" is built in: give the step a handoff (or next) instead of declaring it`,
    ]);
  });

  it('rejects a tool name used twice, managed identity without a scope, and arguments that are not an object', () => {
    const problems = problemsWithTools([
      ok,
      ok,
      ok.replace('orderStatus', 'refund').replace(' }', ', auth: managedIdentity }'),
      ok.replace('orderStatus', 'lookup').replace(' }', ', parameters: { type: string } }'),
    ]);
    assert.deepEqual(problems, [
      `${WHERE} "voiceAgent.tools[3].parameters.type": must be "object": the model passes the tool one object of named arguments`,
    ]);
    assert.deepEqual(
      problemsWithTools([ok, ok, ok.replace('orderStatus', 'refund').replace(' }', ', auth: managedIdentity }')]),
      [
        `${WHERE} "voiceAgent.tools[1].name": "orderStatus" is already used by tools[0]`,
        `${WHERE} "voiceAgent.tools[2].scope": is required when auth is managedIdentity: the token audience, e.g. api://orders-api/.default`,
      ],
    );
  });

  it('describes every field of the step and of its tools, for editors and the flow language reference', () => {
    type Schema = { description?: string; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
    const defs = (flowJsonSchema() as { $defs: Record<string, Schema> }).$defs;
    const variant = defs.Step.anyOf!.find((s) => s.properties?.voiceAgent)!;
    const agent = variant.properties!.voiceAgent;
    const tool = agent.properties!.tools.items!;
    const undescribed = [
      ...Object.entries(agent.properties!).map(([name, s]) => [`voiceAgent.${name}`, s] as const),
      ...Object.entries(tool.properties!).map(([name, s]) => [`voiceAgent.tools[].${name}`, s] as const),
      ['next', variant.properties!.next] as const,
    ]
      .filter(([, s]) => !s.description)
      .map(([name]) => name);
    assert.deepEqual(undescribed, []);
    for (const field of ['fallback', 'handoff', 'maxMinutes', 'tools', 'voice', 'instructions'])
      assert.ok(agent.properties![field], `voiceAgent.${field} is in the schema`);
    assert.match(agent.properties!.fallback.description!, /model is unreachable or drops/);
  });
});
