import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@switchboard/core/errors';
import type { FlowSet } from './flowSchema';
import { checkAcrossFlows, parseFlowFile } from './parseFlowFile';
import { checkFollowUps, checkMessagingAcrossFlows, describeProblem } from '../messaging/validateMessagingSection';

const FLOW_FILE = /\.(ya?ml|json)$/i;

/**
 * Loads one flow file, or every *.yaml / *.yml / *.json file in a folder (not recursive; the JSON Schema
 * file is skipped), and checks the flows together: unique names, each number answered by one flow.
 * Throws one ValidationError naming every problem in every file.
 */
export function loadFlows(path: string): FlowSet {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new ValidationError(`${path}: no such flow file or folder (FLOWS_PATH)`);
  }
  const files = isFolder
    ? readdirSync(path)
        .filter((name) => FLOW_FILE.test(name) && !name.endsWith('.schema.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  const problems: string[] = [];
  const merged: FlowSet = { flows: {}, sources: {} };
  for (const file of files) {
    let set: FlowSet;
    try {
      set = parseFlowFile(readFileSync(file, 'utf8'), file);
    } catch (error) {
      if (error instanceof ValidationError) {
        problems.push(...(error.details.length ? error.details : [error.message]));
        continue;
      }
      throw error;
    }
    for (const [name, flow] of Object.entries(set.flows)) {
      if (name in merged.flows) {
        problems.push(`${file}: flow "${name}": is already defined in ${merged.sources[name]}`);
        continue;
      }
      merged.flows[name] = flow;
      merged.sources[name] = file;
    }
    for (const [name, agent] of Object.entries(set.messaging ?? {})) {
      if (merged.messaging?.[name]) {
        problems.push(`${file}: messaging agent "${name}": is already defined in ${merged.messagingSources?.[name]}`);
        continue;
      }
      (merged.messaging ??= {})[name] = agent;
      (merged.messagingSources ??= {})[name] = file;
    }
  }
  if (problems.length === 0) {
    for (const p of [...checkAcrossFlows(merged), ...checkFollowUps(merged)])
      problems.push(`${merged.sources[p.flow]}: flow "${p.flow}", field "${p.field}": ${p.message}`);
    for (const p of checkMessagingAcrossFlows(merged))
      problems.push(describeProblem(merged.messagingSources?.[p.agent ?? ''] ?? path, p));
  }
  if (files.length === 0) problems.push(`${path}: no flow files (*.yaml, *.yml, *.json)`);
  if (problems.length) {
    throw new ValidationError(`Invalid flows in ${path}:\n  ${[...new Set(problems)].join('\n  ')}`, {
      details: [...new Set(problems)],
    });
  }
  return merged;
}
