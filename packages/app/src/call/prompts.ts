import type { PlaySource } from './activityTypes';
import type { Flow, Prompt } from '../flows/flowSchema';

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_-]*)\s*\}\}/g;

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Replaces {{name}} with the variable's value (empty when unset). */
export function interpolate(
  text: string,
  variables: Readonly<Record<string, string>>,
  escape = (s: string) => s,
): string {
  return text.replace(PLACEHOLDER, (_, name: string) => escape(variables[name] ?? ''));
}

/** A flow prompt as play sources, with the flow's default voice and {{variables}} filled in. */
export function toPlaySources(
  prompt: Prompt,
  flow: Pick<Flow, 'voice'>,
  variables: Readonly<Record<string, string>>,
): PlaySource[] {
  const parts = Array.isArray(prompt) ? prompt : [prompt];
  return parts.map((part): PlaySource => {
    if (typeof part === 'string') {
      return {
        kind: 'text',
        text: interpolate(part, variables),
        voiceName: flow.voice?.name,
        locale: flow.voice?.locale,
      };
    }
    if ('text' in part) {
      return {
        kind: 'text',
        text: interpolate(part.text, variables),
        voiceName: part.voice ?? flow.voice?.name,
        locale: part.locale ?? flow.voice?.locale,
      };
    }
    if ('ssml' in part) return { kind: 'ssml', ssml: interpolate(part.ssml, variables, xmlEscape) };
    return { kind: 'file', url: part.audio };
  });
}
