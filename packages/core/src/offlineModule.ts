import { ConfigError } from './errors';

/**
 * Loads a module of the offline providers package (@switchboard/local-ai) when a setting selects it.
 * Offline providers (local speech, the local chat model and voice agent, local insights) never ship to
 * Azure, so the app and the bridge do not depend on that package: the sandbox and the tests install it.
 *
 * @example const { LocalChatModel } = offlineModule<typeof import('...')>('chat/localChatModel', 'MESSAGING_PROVIDER=local');
 */
export function offlineModule<T>(path: string, selectedBy: string): T {
  const specifier = `@switchboard/local-ai/${path}`;
  try {
    // A computed specifier through require (CommonJS, synchronous): bundlers and the compiler must not pull
    // the offline package into the app.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(specifier) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String(error).includes('@switchboard/local-ai'))
      throw new ConfigError([
        `${selectedBy}: the offline providers (${specifier}) are not installed here; they run in the sandbox only`,
      ]);
    throw error;
  }
}
