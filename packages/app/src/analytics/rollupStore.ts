import { createHash } from 'node:crypto';
import { odata, RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import { createTableOnce } from '../storage/createTableOnce';
import type { AnnotationChannel } from './conversationAnnotation';
import { addRollup, emptyRollup, type Rollup } from './rollup';

// Rollups in Table storage, one partition per UTC day (the day the conversation started): a daily row and an
// hourly row per channel and line, and a marker row per conversation contribution. The marker and the rollup
// rows change in ONE entity-group transaction (same partition), so a contribution counts exactly once however
// often its event is delivered, and a crash between "counted" and "marked" cannot happen. Markers sort after
// the rollups ("x|" > "d|", "h|"), so a range query for rollups never reads them.

export type Granularity = 'hour' | 'day';

export interface RollupRow {
  /** Start of the interval, ISO 8601 (UTC). */
  start: string;
  channel: AnnotationChannel;
  line: string;
  rollup: Rollup;
}

type Entity = {
  partitionKey: string;
  rowKey: string;
  channel: string;
  line: string;
  start: string;
  data: string;
  etag?: string;
};

/** Table keys may not hold / \ # ? or control characters; encoded names keep "|" free as a separator too. */
const k = (s: string) => encodeURIComponent(s);
const day = (at: Date) => at.toISOString().slice(0, 10);
/** Markers name the conversation by a digest of its id, so an erased conversation's id is nowhere. */
const markerKey = (conversationId: string, kind: string) =>
  `x|${createHash('sha256').update(conversationId).digest('hex').slice(0, 32)}|${kind}`;

export class RollupStore {
  private readonly ensureTable: () => Promise<void>;

  constructor(private readonly table: TableClient) {
    this.ensureTable = createTableOnce(table);
  }

  /**
   * Adds one conversation's contribution (`kind`: its end, or its summary) to the day's and the hour's rollup
   * of its channel and line, once: false when this contribution was already counted.
   */
  async apply(
    kind: 'end' | 'summary',
    conversationId: string,
    at: Date,
    channel: AnnotationChannel,
    line: string,
    delta: Rollup,
  ): Promise<boolean> {
    await this.ensureTable();
    const partitionKey = day(at);
    const hour = at.toISOString().slice(11, 13);
    const marker = { partitionKey, rowKey: markerKey(conversationId, kind) };
    const rows = [
      { rowKey: `d|${k(channel)}|${k(line)}`, start: `${partitionKey}T00:00:00.000Z` },
      { rowKey: `h|${hour}|${k(channel)}|${k(line)}`, start: `${partitionKey}T${hour}:00:00.000Z` },
    ];
    for (let attempt = 0; ; attempt++) {
      const found = await Promise.all(rows.map((row) => this.read(partitionKey, row.rowKey)));
      const actions: TransactionAction[] = [['create', marker]];
      rows.forEach((row, i) => {
        const rollup = addRollup(found[i] ? (JSON.parse(found[i].data) as Rollup) : emptyRollup(), delta);
        const entity: Entity = { partitionKey, ...row, channel, line, data: JSON.stringify(rollup) };
        actions.push(found[i] ? ['update', entity, 'Replace', { etag: found[i].etag }] : ['create', entity]);
      });
      try {
        await this.table.submitTransaction(actions);
        return true;
      } catch (error) {
        // The marker exists (counted before: a redelivery), or another contribution changed a rollup meanwhile.
        const conflict = error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);
        if (!conflict || attempt >= 20) throw error;
        if (await this.read(partitionKey, marker.rowKey)) return false;
      }
    }
  }

  private async read(partitionKey: string, rowKey: string): Promise<Entity | undefined> {
    try {
      return await this.table.getEntity<Entity>(partitionKey, rowKey);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** The rollups of the intervals starting in [from, to), at the granularity asked. */
  async list(granularity: Granularity, from: Date, to: Date): Promise<RollupRow[]> {
    await this.ensureTable();
    const prefix = granularity === 'day' ? 'd|' : 'h|';
    const last = new Date(to.getTime() - 1);
    const filter = odata`PartitionKey ge ${day(from)} and PartitionKey le ${day(last)} and RowKey ge ${prefix} and RowKey lt ${prefix.replace('|', '}')}`;
    const rows: RollupRow[] = [];
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    for await (const e of this.table.listEntities<Entity>({ queryOptions: { filter } })) {
      if (e.start < fromIso || e.start >= toIso) continue;
      rows.push({
        start: e.start,
        channel: e.channel as AnnotationChannel,
        line: e.line,
        rollup: JSON.parse(e.data) as Rollup,
      });
    }
    return rows;
  }

  /** Deletes a conversation's markers (its erasure); its counts stay, as they identify no one. */
  async forget(conversationId: string, startedAt: Date): Promise<void> {
    await this.ensureTable();
    for (const kind of ['end', 'summary'])
      await this.table.deleteEntity(day(startedAt), markerKey(conversationId, kind)).catch((error: unknown) => {
        if (!(error instanceof RestError && error.statusCode === 404)) throw error;
      });
  }

  /** Deletes every day partition before `before` (retention), rollups and markers alike; returns rows deleted. */
  async deleteBefore(before: Date): Promise<number> {
    await this.ensureTable();
    const filter = odata`PartitionKey lt ${day(before)}`;
    let deleted = 0;
    for await (const e of this.table.listEntities<Entity>({
      queryOptions: { filter, select: ['PartitionKey', 'RowKey'] },
    })) {
      try {
        await this.table.deleteEntity(e.partitionKey, e.rowKey);
        deleted += 1;
      } catch (error) {
        if (!(error instanceof RestError && error.statusCode === 404)) throw error;
      }
    }
    return deleted;
  }
}
