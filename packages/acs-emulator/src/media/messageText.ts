// The emulator stands alone: it decodes frames itself rather than borrowing the bridge's parser.
/** A WebSocket message's text, whatever form ws delivered it in. */
export function messageText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
