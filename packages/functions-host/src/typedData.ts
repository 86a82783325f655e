import type { RpcTypedData } from './coreApi';

// Values cross into the app in the worker's RPC shape, so the library converts them exactly as in Azure.

export function toTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value };
  if (typeof value === 'string') return { string: value };
  return { json: JSON.stringify(value) };
}

export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json != null) return JSON.parse(data.json);
  if (data.string != null) return data.string;
  if (data.bytes != null) return Buffer.from(data.bytes);
  if (data.stream != null) return Buffer.from(data.stream);
  if (data.int != null) return data.int;
  if (data.double != null) return data.double;
  return undefined;
}
