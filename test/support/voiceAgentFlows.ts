import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { bytesOf, resample } from '@switchboard/audio/pcm';
import { SAMPLE_RATE, synthesize } from '@switchboard/audio/speechSynthesizer';
import { appDir, fixture } from './paths';

// What the end-to-end voice agent scenarios dial, and how long the agent's lines are.

export const TOOL_LINE_GREETING = 'Hi, I can look up your orders.';

/** The bytes of 24 kHz audio the agent's voice makes of `text` (the offline TTS, as the agent speaks). */
export async function agentSpeechBytes(text: string): Promise<number> {
  const voice = await synthesize(text, 'slt');
  assert.ok(voice, 'flite is needed to speak as the agent');
  return bytesOf(resample(voice, SAMPLE_RATE, 24_000)).length;
}

/**
 * The flows the scenarios dial: Contoso's shipped flows with the main line open around the clock (so no test
 * depends on the time of day), the test agent line (its greeting is long on purpose: the caller talks over it),
 * and a line whose agent has HTTP tools declared in the flow file, calling `toolsUrl`.
 */
export function voiceAgentFlows(toolsUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-voice-flows-'));
  const contoso = parse(readFileSync(join(appDir, 'flows', 'contoso.yaml'), 'utf8')) as {
    flows: { mainLine: { hours: Record<string, unknown> } };
  };
  contoso.flows.mainLine.hours = { ...contoso.flows.mainLine.hours, open: '24/7', holidays: [] };
  writeFileSync(join(dir, 'contoso.yaml'), stringify(contoso));
  const lines = parse(readFileSync(fixture('flows', 'test-lines.yaml'), 'utf8')) as { flows: Record<string, unknown> };
  writeFileSync(
    join(dir, 'voice-lines.yaml'),
    `${stringify({ flows: { agentLine: lines.flows.agentLine } })}
  toolLine:
    numbers: ['+18005550810']
    start: assistant
    steps:
      assistant:
        voiceAgent:
          instructions: "You are Contoso's order assistant. Help with orders."
          greeting: '${TOOL_LINE_GREETING}'
          tools:
            - name: orderStatus
              description: Looks up where an order is and when it arrives.
              parameters:
                type: object
                properties: { orderId: { type: string, description: 'the order number, e.g. A-1001' } }
                required: [orderId]
              url: ${toolsUrl}/order-status
              timeoutSeconds: 5
            - name: updateAccount
              description: Changes the caller's account details.
              url: ${toolsUrl}/broken
            - name: slowLookup
              description: Looks something up in a slow system.
              url: ${toolsUrl}/slow
              timeoutSeconds: 1
          handoff: person
          fallback: sorry
        next: bye
      person: { transfer: '+18005550133', announce: 'Connecting you to a person.' }
      sorry: { say: 'Please call again later.', hangup: true }
      bye: { say: 'Goodbye.', hangup: true }
`,
  );
  return dir;
}
