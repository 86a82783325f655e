import type { SummaryDocument } from '../insights/summaryDocument';
import type { AnnotationSummary } from './conversationAnnotation';

const TOPICS_PER_CONVERSATION = 5;

/** What a conversation's (already redacted) summary document gives its annotation. */
export function summaryAnnotation(doc: SummaryDocument): AnnotationSummary {
  const topics = [...new Set(doc.keyPhrases.map((k) => k.trim().toLowerCase()).filter(Boolean))];
  return {
    language: doc.language,
    topics: topics.slice(0, TOPICS_PER_CONVERSATION),
    sentiment: doc.sentiment.overall.label,
    sentimentScore: doc.sentiment.overall.score,
    issue: doc.summary.issue,
    resolution: doc.summary.resolution,
    followUps: doc.summary.followUps,
    resolved: doc.summary.resolution.trim() !== '',
  };
}
