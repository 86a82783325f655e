import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Conversation } from '@switchboard/core/conversation';
import { normaliseSpokenPii } from '@switchboard/app/insights/normaliseSpokenPii';

// The labelled corpus (test/fixtures/transcripts) and the check for whether a planted item survived.

export interface PlantedItem {
  transcriptId: string;
  /** 'tuning': the detectors were tuned on it; 'held-out': written after tuning, to estimate real recall. */
  set: 'tuning' | 'held-out';
  category: string;
  form: 'written' | 'spoken';
  value: string;
}

/** test/fixtures/transcripts in the source tree (tests run from dist/test/...). */
export const corpusDir = resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'transcripts');

export function loadCorpus(): { conversations: Conversation[]; items: PlantedItem[] } {
  const files = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.json') && f !== 'labels.json')
    .sort();
  const conversations = files.map((f) => JSON.parse(readFileSync(join(corpusDir, f), 'utf8')) as Conversation);
  const items = (JSON.parse(readFileSync(join(corpusDir, 'labels.json'), 'utf8')) as { items: PlantedItem[] }).items;
  return { conversations, items };
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr']);

/** The strings whose presence in an output means the item leaked. */
export function leakForms(item: PlantedItem): string[] {
  if (item.category === 'name') {
    return item.value
      .split(/\s+/)
      .map((w) => w.replace(/[.,]/g, ''))
      .filter((w) => w.length >= 2 && !HONORIFICS.has(w.toLowerCase()));
  }
  const forms = [item.value];
  const written = normaliseSpokenPii(item.value);
  const digits = written.replace(/\D/g, '');
  if (digits.length >= 4) forms.push(digits);
  if (written !== item.value) forms.push(written);
  return forms;
}

/** Whether any form of the item appears in the text (words case-insensitively, digits ignoring separators). */
export function leaks(item: PlantedItem, text: string): boolean {
  const lower = text.toLowerCase();
  // Digits count as one number across the separators people write inside numbers ("(415) 555-0132").
  const joinedDigits = text.replace(/(?<=\d)[\s().-]+(?=\d)/g, '');
  return leakForms(item).some((form) => {
    if (/^\d+$/.test(form)) return form.length >= 4 && new RegExp(`(?<!\\d)${form}(?!\\d)`).test(joinedDigits);
    const escaped = form.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\d])${escaped}(?![\\p{L}\\d])`, 'u').test(lower);
  });
}
