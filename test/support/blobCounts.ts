import { BlobServiceClient } from '@azure/storage-blob';

/** How many blobs the fixture app recorded under `container/prefix/` (one per invocation). */
export async function countRecords(connectionString: string, container: string, prefix: string): Promise<number> {
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  if (!(await client.exists())) return 0;
  let count = 0;
  for await (const _ of client.listBlobsFlat({ prefix: `${prefix}/` })) count++;
  return count;
}
