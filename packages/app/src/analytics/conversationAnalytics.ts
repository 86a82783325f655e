import type { SummaryDocument } from '../insights/summaryDocument';
import type { AnnotationStore } from './annotationStore';
import type { ConversationAnnotation } from './conversationAnnotation';
import { endContribution, summaryContribution } from './rollup';
import type { RollupStore } from './rollupStore';
import { summaryAnnotation } from './summaryAnnotation';

// Where conversations' ends and summaries enter analytics. Both may be delivered more than once and in either
// order (a live transcript's summary can beat the call's end): each is stored idempotently and counted into
// the rollups once (RollupStore's markers); a summary is counted when both it and the end are known.

export type EndOutcome = 'counted' | 'already-counted';
export type SummaryOutcome = 'counted' | 'already-counted' | 'waiting-for-end';

export class ConversationAnalytics {
  constructor(
    readonly annotations: AnnotationStore,
    readonly rollups: RollupStore,
  ) {}

  /** A conversation ended: its annotation is written once and its end counted once. */
  async ended(annotation: ConversationAnnotation): Promise<EndOutcome> {
    const { annotation: stored } = await this.annotations.recordEnd(annotation);
    const at = new Date(stored.startedAt);
    const counted = await this.rollups.apply(
      'end',
      stored.conversationId,
      at,
      stored.channel,
      stored.line,
      endContribution(stored),
    );
    const summary = await this.annotations.summary(stored.conversationId);
    if (summary)
      await this.rollups.apply(
        'summary',
        stored.conversationId,
        at,
        stored.channel,
        stored.line,
        summaryContribution(summary),
      );
    return counted ? 'counted' : 'already-counted';
  }

  /** A conversation's summary was made: kept with the annotation, its topics and sentiment counted once. */
  async summarized(doc: SummaryDocument): Promise<SummaryOutcome> {
    const summary = summaryAnnotation(doc);
    await this.annotations.recordSummary(doc.id, doc.startedAt, summary);
    const end = await this.annotations.end(doc.id);
    if (!end) return 'waiting-for-end';
    await this.annotations.indexSummary(end, summary);
    const counted = await this.rollups.apply(
      'summary',
      end.conversationId,
      new Date(end.startedAt),
      end.channel,
      end.line,
      summaryContribution(summary),
    );
    return counted ? 'counted' : 'already-counted';
  }
}
