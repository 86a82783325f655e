import type { TableClient, TransactionAction } from '@azure/data-tables';
import { createTableOnce } from '../../storage/createTableOnce';

/** One callee of a campaign as it is kept: the number sealed (calls/sealedValues.ts) and masked. */
export interface StoredContact {
  to: string;
  masked: string;
  variables?: Record<string, string>;
}

const BATCH = 100; // Table storage's most operations in one transaction

/**
 * A campaign's callees, one row each (partition: the campaign), outside its orchestration: a campaign of
 * thousands is more than the orchestration's input may hold (its status shows it, and table storage keeps it
 * in one 1 MiB entity). Each contact's orchestration reads its own row.
 */
export class CampaignContacts {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  async save(campaignId: string, contacts: StoredContact[]): Promise<void> {
    await this.ensureTable();
    const rows: TransactionAction[] = contacts.map((contact, index) => [
      'upsert',
      {
        partitionKey: campaignId,
        rowKey: rowKeyOf(index),
        to: contact.to,
        masked: contact.masked,
        variables: JSON.stringify(contact.variables ?? {}),
      },
      'Replace',
    ]);
    const batches = [];
    for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
    await Promise.all(batches.map((batch) => this.table.submitTransaction(batch)));
  }

  async get(campaignId: string, index: number): Promise<StoredContact> {
    const row = await this.table.getEntity<{ to: string; masked: string; variables: string }>(
      campaignId,
      rowKeyOf(index),
    );
    return { to: row.to, masked: row.masked, variables: JSON.parse(row.variables) as Record<string, string> };
  }

  /** Deletes a finished campaign's callees. */
  async forget(campaignId: string): Promise<void> {
    const keys: string[] = [];
    const rows = this.table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${campaignId.replace(/'/g, "''")}'`, select: ['RowKey'] },
    });
    for await (const row of rows) keys.push(row.rowKey!);
    for (let i = 0; i < keys.length; i += BATCH)
      await this.table.submitTransaction(
        keys.slice(i, i + BATCH).map((rowKey) => ['delete', { partitionKey: campaignId, rowKey }] as TransactionAction),
      );
  }
}

const rowKeyOf = (index: number) => String(index).padStart(6, '0');
