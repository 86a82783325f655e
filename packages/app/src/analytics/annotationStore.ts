import { odata, RestError, type TableClient } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';
import type { AnnotationSummary, ConversationAnnotation } from './conversationAnnotation';

// Annotations in Table storage, keyed by conversation id: an "end" row written once when the conversation ends
// and a "summary" row when its summary is made (either may come first). A second table indexes conversations by
// the customer's hash, so a customer's history is one partition and no raw number is ever a key or a value.

interface EndRow {
  partitionKey: string;
  rowKey: 'end';
  startedAt: string;
  data: string;
}

interface SummaryRow {
  partitionKey: string;
  rowKey: 'summary';
  startedAt: string;
  data: string;
}

interface CustomerRow {
  partitionKey: string;
  rowKey: string;
  conversationId: string;
  startedAt: string;
  channel: string;
  /** A copy of the annotation and its summary (redacted), so a customer's history is one query. */
  data: string;
  summary?: string;
}

const k = (s: string) => encodeURIComponent(s);

function missing(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

export class AnnotationStore {
  private readonly ensureTables: () => Promise<void>;

  constructor(
    private readonly annotations: TableClient,
    private readonly customers: TableClient,
  ) {
    const a = createTableOnce(annotations);
    const c = createTableOnce(customers);
    this.ensureTables = () => Promise.all([a(), c()]).then(() => undefined);
  }

  /** Writes the conversation's end once; returns the annotation as stored (the first one written wins). */
  async recordEnd(
    annotation: ConversationAnnotation,
    summary?: AnnotationSummary,
  ): Promise<{ annotation: ConversationAnnotation; created: boolean }> {
    await this.ensureTables();
    const { summary: _ignored, ...end } = annotation;
    const row: EndRow = {
      partitionKey: k(annotation.conversationId),
      rowKey: 'end',
      startedAt: annotation.startedAt,
      data: JSON.stringify(end),
    };
    let stored: ConversationAnnotation = end;
    let created = true;
    try {
      await this.annotations.createEntity(row);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      created = false;
      stored = (await this.end(annotation.conversationId)) ?? end;
    }
    // Always (idempotent): a redelivery after a crash between the two writes completes the index.
    if (stored.customer) await this.customers.upsertEntity(customerRow(stored, summary), 'Replace');
    return { annotation: stored, created };
  }

  /** Keeps the conversation's summary (overwriting an identical earlier one). */
  async recordSummary(conversationId: string, startedAt: string, summary: AnnotationSummary): Promise<void> {
    await this.ensureTables();
    const row: SummaryRow = {
      partitionKey: k(conversationId),
      rowKey: 'summary',
      startedAt,
      data: JSON.stringify(summary),
    };
    await this.annotations.upsertEntity(row, 'Replace');
  }

  /** Copies the summary into the customer's index entry of an ended conversation. */
  async indexSummary(end: ConversationAnnotation, summary: AnnotationSummary): Promise<void> {
    if (end.customer) await this.customers.upsertEntity(customerRow(end, summary), 'Replace');
  }

  async end(conversationId: string): Promise<ConversationAnnotation | undefined> {
    await this.ensureTables();
    try {
      const row = await this.annotations.getEntity<EndRow>(k(conversationId), 'end');
      return JSON.parse(row.data) as ConversationAnnotation;
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  }

  async summary(conversationId: string): Promise<AnnotationSummary | undefined> {
    await this.ensureTables();
    try {
      const row = await this.annotations.getEntity<SummaryRow>(k(conversationId), 'summary');
      return JSON.parse(row.data) as AnnotationSummary;
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  }

  /** The conversation's annotation with its summary when there is one. */
  async get(conversationId: string): Promise<ConversationAnnotation | undefined> {
    const [end, summary] = await Promise.all([this.end(conversationId), this.summary(conversationId)]);
    return end && (summary ? { ...end, summary } : end);
  }

  /** The conversations of one customer (by hash) that started in [from, to), oldest first, with summaries. */
  async conversationsOf(customer: string, from?: Date, to?: Date): Promise<ConversationAnnotation[]> {
    await this.ensureTables();
    const lo = from?.toISOString() ?? '';
    const hi = to?.toISOString() ?? '~';
    const filter = odata`PartitionKey eq ${customer} and RowKey ge ${lo} and RowKey lt ${hi}`;
    const found: ConversationAnnotation[] = [];
    for await (const row of this.customers.listEntities<CustomerRow>({ queryOptions: { filter } })) {
      const annotation = JSON.parse(row.data) as ConversationAnnotation;
      if (row.summary) annotation.summary = JSON.parse(row.summary) as AnnotationSummary;
      found.push(annotation);
    }
    return found;
  }

  /** Removes a conversation's annotation rows and its entry in the customer index. */
  async delete(conversationId: string, customer?: string, startedAt?: string): Promise<void> {
    await this.ensureTables();
    const deletions = [
      this.annotations.deleteEntity(k(conversationId), 'end'),
      this.annotations.deleteEntity(k(conversationId), 'summary'),
    ];
    if (customer && startedAt)
      deletions.push(this.customers.deleteEntity(customer, indexKey(startedAt, conversationId)));
    for (const result of await Promise.allSettled(deletions))
      if (result.status === 'rejected' && !missing(result.reason)) throw result.reason;
  }

  /** Deletes annotations and index entries of conversations that started before `before`; returns how many rows. */
  async deleteBefore(before: Date): Promise<number> {
    await this.ensureTables();
    const filter = odata`startedAt lt ${before.toISOString()}`;
    let deleted = 0;
    for (const table of [this.annotations, this.customers]) {
      for await (const e of table.listEntities({ queryOptions: { filter, select: ['PartitionKey', 'RowKey'] } })) {
        try {
          await table.deleteEntity(e.partitionKey as string, e.rowKey as string);
          deleted += 1;
        } catch (error) {
          if (!missing(error)) throw error;
        }
      }
    }
    return deleted;
  }
}

/** Index rows sort by start, so a customer's period is a row-key range. */
function indexKey(startedAt: string, conversationId: string): string {
  return `${startedAt}|${k(conversationId)}`;
}

function customerRow(a: ConversationAnnotation, summary?: AnnotationSummary): CustomerRow {
  return {
    partitionKey: a.customer as string,
    rowKey: indexKey(a.startedAt, a.conversationId),
    conversationId: a.conversationId,
    startedAt: a.startedAt,
    channel: a.channel,
    data: JSON.stringify(a),
    ...(summary ? { summary: JSON.stringify(summary) } : {}),
  };
}
