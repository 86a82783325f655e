// ws delivers Buffers unless binaryType is changed, but its RawData type also allows ArrayBuffers and fragment arrays.
import type WebSocket from 'ws';

/** A WebSocket message's UTF-8 text, whatever shape ws delivered it in. */
export function messageText(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw)).toString('utf8');
}
