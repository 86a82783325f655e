import type { SummaryDocument } from './summaryDocument';
import { piiCategories, PLACEHOLDERS } from './redact';

// `summaries/{id}.md`: the same content as the JSON, for a person. Text comes only from the summary
// document, which is built from redacted text.

const ICON = { positive: '🙂', neutral: '😐', negative: '🙁', mixed: '😕' } as const;

function duration(ms: number | undefined): string {
  if (ms === undefined) return 'unknown';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

function line(text: string): string {
  return text.replace(/\s+/g, ' ').trim() || '_none found_';
}

export function renderSummaryMarkdown(doc: SummaryDocument): string {
  const redacted = piiCategories
    .filter((c) => doc.redaction[c] > 0)
    .map((c) => `${PLACEHOLDERS[c]} ×${doc.redaction[c]}`);
  const turns = doc.sentiment.perTurn;
  const trend = turns.length ? turns.map((t) => `${t.role[0].toUpperCase()}${ICON[t.label]}`).join(' ') : '_no turns_';
  const lines = [
    `# Conversation ${doc.id}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Source | ${doc.source} (${doc.channel}) |`,
    `| Started | ${doc.startedAt} |`,
    `| Duration | ${duration(doc.durationMs)} |`,
    `| Language | ${doc.language} |`,
    `| Overall sentiment | ${ICON[doc.sentiment.overall.label]} ${doc.sentiment.overall.label} (${doc.sentiment.overall.score.toFixed(2)}) |`,
    `| Redacted before analysis | ${redacted.length ? redacted.join(', ') : 'nothing'} |`,
    '',
    '## What the customer wanted',
    '',
    line(doc.summary.issue),
    '',
    '## What was done',
    '',
    line(doc.summary.resolution),
    '',
    '## Follow-ups',
    '',
    ...(doc.summary.followUps.length ? doc.summary.followUps.map((f) => `- [ ] ${line(f)}`) : ['_none_']),
    '',
    '## Key phrases',
    '',
    doc.keyPhrases.length ? doc.keyPhrases.map((k) => `\`${k}\``).join(' · ') : '_none_',
    '',
    '## Sentiment by turn',
    '',
    `${trend}`,
    '',
    `<sub>C = customer, A = agent, B = bot · ${doc.provider} provider · generated ${doc.createdAt}</sub>`,
    '',
  ];
  return lines.join('\n');
}
