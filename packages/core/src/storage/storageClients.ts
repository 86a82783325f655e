import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { plainHttpAllowed } from './plainHttpAllowed';
import { storageHttpAgent } from './storageHttpAgent';

/** Where storage is: a connection string (Azurite) or an account reached with managed identity. */
export interface StorageLocation {
  storage: { connectionString?: string; accountName?: string };
}

// Storage clients from the app's storage setting: a connection string locally, managed identity in Azure.

let credential: TokenCredential | undefined;
const azureCredential = () => (credential ??= new DefaultAzureCredential());

export function createTableClient(config: StorageLocation, table: string): TableClient {
  const { connectionString, accountName } = config.storage;
  if (connectionString) {
    const plainHttp = plainHttpAllowed(connectionString, 'Table');
    return TableClient.fromConnectionString(connectionString, table, {
      allowInsecureConnection: plainHttp,
      agent: storageHttpAgent(plainHttp),
    });
  }
  return new TableClient(`https://${accountName}.table.core.windows.net`, table, azureCredential(), {
    agent: storageHttpAgent(false),
  });
}

export function createBlobServiceClient(config: StorageLocation): BlobServiceClient {
  const { connectionString, accountName } = config.storage;
  // The blob SDK's own pipeline already speaks whatever scheme the connection string names.
  if (connectionString) return BlobServiceClient.fromConnectionString(connectionString);
  return new BlobServiceClient(`https://${accountName}.blob.core.windows.net`, azureCredential());
}
