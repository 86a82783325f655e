import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Replaces `%NAME%` in binding properties with app settings, as the Functions host does. */
export function resolveSettingExpressions(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = env[name];
    if (resolved === undefined) throw new Error(`App setting "${name}" (used as %${name}%) is not set.`);
    return resolved;
  });
}

/** A binding's `connection` names an app setting holding a connection string (default AzureWebJobsStorage). */
export function storageConnectionString(connection: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const name = typeof connection === 'string' && connection ? connection : 'AzureWebJobsStorage';
  const value = env[name] ?? env[`AzureWebJobs${name}`];
  if (!value) throw new Error(`Storage connection "${name}" is not set: define the app setting ${name}.`);
  return value;
}

/**
 * Loads `local.settings.json` Values into the environment like `func start`: settings already in the
 * environment win, so tests and the sandbox can point the app anywhere.
 */
export function loadLocalSettings(appDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const path = join(appDir, 'local.settings.json');
  if (!existsSync(path)) return [];
  let parsed: { Values?: Record<string, unknown> };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as { Values?: Record<string, unknown> };
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const applied: string[] = [];
  for (const [key, value] of Object.entries(parsed.Values ?? {})) {
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (env[key] === undefined && scalar) {
      env[key] = String(value);
      applied.push(key);
    }
  }
  return applied;
}
