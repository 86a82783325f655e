import type { VoiceAgentStep } from './flowSchema';

/** Tool names the bridge gives every agent itself. */
const BUILT_IN = new Set(['handoff', 'endCall']);

/**
 * What the schema cannot say about a voiceAgent step's HTTP tools: each name once and not a built-in one, and a
 * scope for every tool called with the bridge's managed identity. Fields are relative to the step.
 */
export function agentToolProblems(step: VoiceAgentStep): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const seen = new Map<string, number>();
  (step.voiceAgent.tools ?? []).forEach((tool, i) => {
    const field = (name: string) => `voiceAgent.tools[${i}].${name}`;
    if (BUILT_IN.has(tool.name))
      problems.push({
        field: field('name'),
        message: `"${tool.name}" is built in: give the step a handoff (or next) instead of declaring it`,
      });
    const first = seen.get(tool.name);
    if (first !== undefined)
      problems.push({ field: field('name'), message: `"${tool.name}" is already used by tools[${first}]` });
    else seen.set(tool.name, i);
    if (tool.auth === 'managedIdentity' && !tool.scope)
      problems.push({
        field: field('scope'),
        message: 'is required when auth is managedIdentity: the token audience, e.g. api://orders-api/.default',
      });
    if (tool.auth === 'none' && tool.scope)
      problems.push({ field: field('scope'), message: 'is only used with auth: managedIdentity' });
  });
  return problems;
}
