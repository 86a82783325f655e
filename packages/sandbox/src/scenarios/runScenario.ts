import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AcsControlClient } from '@switchboard/acs-emulator/controlClient';
import { scenarioSchema, type Scenario, type ScenarioStep } from './scenarioSchema';

export class ScenarioError extends Error {}

/** Loads and validates a scenario file; errors name the file, the step and the field. */
export function loadScenario(path: string): Scenario {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${path}: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const [first, index, ...rest] = i.path;
      const where =
        first === 'steps' && typeof index === 'number'
          ? `step ${index + 1}${rest.length ? `, field "${rest.join('.')}"` : ''}`
          : `field "${i.path.join('.') || '(root)'}"`;
      return `${path}: ${where}: ${i.message}`;
    });
    throw new ScenarioError(problems.join('\n'));
  }
  return parsed.data;
}

export interface ScenarioResult {
  name: string;
  passed: boolean;
  serverCallId?: string;
  /** Step number (1-based) and what went wrong, when it failed. */
  failure?: { step: number; message: string };
  durationMs: number;
}

/** Plays the caller of a scenario against the ACS emulator and checks every expectation in order. */
export async function runScenario(scenario: Scenario, control: AcsControlClient): Promise<ScenarioResult> {
  const started = performance.now();
  const since = (await control.timeline({})).at(-1)?.seq ?? 0;
  for (const [number, behaviour] of Object.entries(scenario.agents ?? {}))
    await control.configureAgent(number, { kind: behaviour });
  const call = await control.placeCall({ from: scenario.from, to: scenario.to });
  let index = 0;
  try {
    for (; index < scenario.steps.length; index++)
      await runStep(scenario.steps[index], call.serverCallId, control, since, scenario.timeoutMs);
    return {
      name: scenario.name,
      passed: true,
      serverCallId: call.serverCallId,
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return {
      name: scenario.name,
      passed: false,
      serverCallId: call.serverCallId,
      failure: { step: index + 1, message: (error as Error).message },
      durationMs: performance.now() - started,
    };
  } finally {
    // Leave the world as the emulator starts it, so scenarios do not depend on each other's order.
    for (const number of Object.keys(scenario.agents ?? {})) await control.configureAgent(number, { kind: 'answer' });
  }
}

async function runStep(
  step: ScenarioStep,
  serverCallId: string,
  control: AcsControlClient,
  since: number,
  timeoutMs: number,
): Promise<void> {
  if ('press' in step) return control.pressDigits(serverCallId, step.press);
  if ('say' in step) return control.say(serverCallId, step.say);
  if ('silence' in step) return control.staySilent(serverCallId);
  if ('hangup' in step) return control.hangUp(serverCallId);
  if ('expectConnectedTo' in step) {
    const connected = (await control.getCall(serverCallId)).connectedTo?.rawId;
    if (connected !== `4:${step.expectConnectedTo}`)
      throw new ScenarioError(
        `expected the caller to be connected to ${step.expectConnectedTo}, but it is connected to ${connected ?? 'nobody'}`,
      );
    return;
  }
  const e = step.expect;
  const wait = e.timeoutMs ?? timeoutMs;
  // Requests and world entries are filed under the call; callbacks too. Event Grid entries carry no call id.
  if (e.request) await control.waitForRequest(e.request, { serverCallId, since }, wait);
  else if (e.event) await control.waitForEvent(e.event, { serverCallId, since }, wait);
  else if (e.world) await control.waitForWorld(e.world, { serverCallId, since }, wait);
  else if (e.eventGrid) await control.waitForEventGrid(e.eventGrid, { since }, wait);
}
