// Storage clients reach Azure over TLS. A connection string may name plain-http endpoints instead (Azurite
// on its default http ports, on other ports or on another host); those are what the owner asked for, so
// the client may then speak http. `UseDevelopmentStorage=true` is http too (the SDKs know it themselves).

export type StorageService = 'Blob' | 'Queue' | 'Table';

/** Whether the connection string itself names an http:// endpoint for this service. */
export function plainHttpAllowed(connectionString: string, service: StorageService): boolean {
  const settings = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) settings.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (settings.get('usedevelopmentstorage')?.toLowerCase() === 'true') return true;
  const endpoint = settings.get(`${service.toLowerCase()}endpoint`);
  if (endpoint !== undefined) return endpoint.toLowerCase().startsWith('http://');
  return settings.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
}
