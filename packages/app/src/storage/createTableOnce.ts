import type { TableClient } from '@azure/data-tables';

/**
 * A function that creates the table on first use and then costs nothing; a failed creation is tried again
 * next time rather than remembered.
 */
export function createTableOnce(table: TableClient): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= table.createTable().then(
      () => undefined,
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    );
    return ready;
  };
}
