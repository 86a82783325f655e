// The durable-functions client (3.x) reports "no such instance" only in an Error's text: getStatus throws
// "...replied with HTTP 404 response..." and raiseEvent/terminate "No instance with ID '<id>' found." (read in
// the library's DurableClient). This is the one place that reads those texts; a library upgrade that changes
// them is caught by the tests that ask for an unknown call.

/** True when a Durable client call failed because the orchestration instance does not exist. */
export function isUnknownInstance(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /replied with HTTP 404 response|No instance with ID '.*' found/.test(message);
}
