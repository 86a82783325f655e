/**
 * A value built once, on first use, shared by every caller; a failed build is not kept, so the next use tries
 * again (and reports the same error if it persists). The app's services load this way so the worker's import
 * of the functions stays cheap (cold start).
 *
 * @example const getClients = lazy(() => import('./buildClients.js').then((m) => m.buildClients()));
 */
export function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
