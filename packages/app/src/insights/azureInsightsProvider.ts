import { TextAnalyticsClient, type TextAnalyticsClientOptions } from '@azure/ai-text-analytics';
import type { TokenCredential } from '@azure/identity';
import { RemoteServiceError } from '@switchboard/core/errors';
import { summarizeWithLanguageService, type ConversationSummarizerOptions } from './azureConversationSummarizer';
import { azureAiClient, type AzureAiClient } from './azureAiClient';
import type { Conversation } from '@switchboard/core/conversation';
import {
  overallSentiment,
  type ConversationAnalysis,
  type InsightsProvider,
  type SentimentLabel,
  type TurnSentiment,
} from './insightsProvider';
import { PLACEHOLDERS, emptyCounts, type PiiCategory, type RedactionCounts } from './redact';

// Azure AI Language: @azure/ai-text-analytics (v3.1 API, as the product owner asked) for PII (a second
// redaction pass), sentiment, key phrases and language; conversation summarization as a REST job (see
// azureConversationSummarizer). Requests are batched within the service's per-request document limits.

/** Documents per request the Language service accepts (larger batches are rejected with 400). */
export const BATCH_LIMITS = { sentiment: 10, keyPhrases: 10, languages: 1000, pii: 5 } as const;
/** Characters per document for synchronous calls. */
export const MAX_DOCUMENT_CHARS = 5120;

/** Language PII categories kept by the second pass, and the placeholder each becomes. */
const PII_CATEGORIES: Record<string, PiiCategory> = {
  Person: 'name',
  PhoneNumber: 'phone',
  Email: 'email',
  Address: 'address',
  CreditCardNumber: 'card',
  USSocialSecurityNumber: 'ssn',
  USBankAccountNumber: 'accountNumber',
  InternationalBankingAccountNumber: 'accountNumber',
  ABARoutingNumber: 'accountNumber',
  SWIFTCode: 'accountNumber',
};

export interface AzureInsightsProviderOptions {
  /** LANGUAGE_ENDPOINT, e.g. https://<resource>.cognitiveservices.azure.com */
  endpoint: string;
  /** DefaultAzureCredential in Azure (managed identity); any TokenCredential in tests. */
  credential: TokenCredential;
  /** Extra CA certificates (PEM) to trust, for a local fake of the service. */
  ca?: string;
  maxRetries?: number;
  summarizer?: ConversationSummarizerOptions;
  /** Overrides for the SDK client (retry delays in tests). */
  clientOptions?: TextAnalyticsClientOptions;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The SDK throws RestError; callers get the project's RemoteServiceError with `retryable`. */
async function sdkCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const code = (error as { code?: string }).code;
    throw new RemoteServiceError(
      `Azure AI Language ${what} failed${status ? ` with ${status}` : ''}${code ? ` (${code})` : ''}`,
      {
        cause: error,
        status,
        retryable: status === undefined || status === 408 || status === 429 || status >= 500,
      },
    );
  }
}

export class AzureInsightsProvider implements InsightsProvider {
  readonly name = 'azure' as const;
  private readonly client: TextAnalyticsClient;
  private readonly rest: AzureAiClient;

  constructor(private readonly options: AzureInsightsProviderOptions) {
    const maxRetries = options.maxRetries ?? 3;
    this.client = new TextAnalyticsClient(options.endpoint, options.credential, {
      retryOptions: { maxRetries },
      ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
      ...options.clientOptions,
    });
    this.rest = azureAiClient({
      endpoint: options.endpoint,
      credential: options.credential,
      maxRetries,
      serviceName: 'Azure AI Language',
      ...(options.ca ? { ca: options.ca } : {}),
    });
  }

  async analyze(conversation: Conversation): Promise<ConversationAnalysis> {
    const turns = conversation.turns
      .map((t, turnIndex) => ({ ...t, turnIndex, text: t.text.slice(0, MAX_DOCUMENT_CHARS) }))
      .filter((t) => t.text.trim().length > 0);

    // Second redaction pass first: nothing below sees what the service itself recognises as PII.
    const { texts, counts } = await this.redactWithService(turns.map((t) => t.text));
    const cleaned = { ...conversation, turns: turns.map((t, i) => ({ ...t, text: texts[i] })) };
    const whole = texts.join('\n');

    const language = await this.detectLanguage(whole);
    const [perTurn, keyPhrases, summary] = await Promise.all([
      this.sentiment(cleaned.turns, language),
      this.keyPhrases(whole, language),
      summarizeWithLanguageService(this.rest, cleaned, language, this.options.summarizer),
    ]);
    return {
      provider: 'azure',
      summary,
      sentiment: { overall: overallSentiment(perTurn), perTurn },
      keyPhrases,
      language,
      additionalRedactions: counts,
    };
  }

  private async redactWithService(texts: string[]): Promise<{ texts: string[]; counts: RedactionCounts }> {
    const counts = emptyCounts();
    const out = [...texts];
    let offset = 0;
    for (const batch of chunks(texts, BATCH_LIMITS.pii)) {
      const documents = batch.map((text, i) => ({ id: String(offset + i), text }));
      const results = await sdkCall('PII recognition', () =>
        this.client.recognizePiiEntities(documents, { categoriesFilter: Object.keys(PII_CATEGORIES) }),
      );
      for (const result of results) {
        if (result.error) continue; // an unprocessable turn keeps the local redaction
        const index = Number(result.id);
        let text = texts[index];
        // Replace from the end so earlier offsets stay valid (offsets are UTF-16 code units, the SDK's default).
        for (const entity of [...result.entities].sort((a, b) => b.offset - a.offset)) {
          const category = PII_CATEGORIES[entity.category];
          if (!category || /^\[[A-Z]+\]$/.test(entity.text)) continue;
          text = text.slice(0, entity.offset) + PLACEHOLDERS[category] + text.slice(entity.offset + entity.length);
          counts[category] += 1;
        }
        out[index] = text;
      }
      offset += batch.length;
    }
    return { texts: out, counts };
  }

  private async detectLanguage(whole: string): Promise<string> {
    const [result] = await sdkCall('language detection', () =>
      this.client.detectLanguage([{ id: '0', text: whole.slice(0, MAX_DOCUMENT_CHARS), countryHint: '' }]),
    );
    return !result || result.error ? 'und' : result.primaryLanguage.iso6391Name || 'und';
  }

  private async sentiment(
    turns: Array<Conversation['turns'][number] & { turnIndex: number }>,
    language: string,
  ): Promise<TurnSentiment[]> {
    const perTurn: TurnSentiment[] = [];
    for (const batch of chunks(turns, BATCH_LIMITS.sentiment)) {
      const results = await sdkCall('sentiment analysis', () =>
        this.client.analyzeSentiment(
          batch.map((t) => ({ id: String(t.turnIndex), text: t.text, language: language === 'und' ? 'en' : language })),
        ),
      );
      for (const result of results) {
        const turn = batch.find((t) => String(t.turnIndex) === result.id);
        if (!turn) continue;
        const label: SentimentLabel = result.error ? 'neutral' : result.sentiment;
        const score = result.error
          ? 0
          : Math.round((result.confidenceScores.positive - result.confidenceScores.negative) * 1000) / 1000;
        perTurn.push({ turnIndex: turn.turnIndex, participantId: turn.participantId, role: turn.role, label, score });
      }
    }
    return perTurn.sort((a, b) => a.turnIndex - b.turnIndex);
  }

  private async keyPhrases(whole: string, language: string): Promise<string[]> {
    // The call is one document per 5,120 characters, cut at turn boundaries.
    const pieces: string[] = [];
    let current = '';
    for (const line of whole.split('\n')) {
      if (current && current.length + line.length + 1 > MAX_DOCUMENT_CHARS) {
        pieces.push(current);
        current = '';
      }
      current = current ? `${current}\n${line}` : line;
    }
    if (current) pieces.push(current);
    const counts = new Map<string, number>();
    for (const batch of chunks(pieces, BATCH_LIMITS.keyPhrases)) {
      const results = await sdkCall('key phrase extraction', () =>
        this.client.extractKeyPhrases(
          batch.map((text, i) => ({ id: String(i), text, language: language === 'und' ? 'en' : language })),
        ),
      );
      for (const result of results) {
        if (result.error) continue;
        for (const phrase of result.keyPhrases) {
          if (/\[[A-Z]+\]|\*{3,}/.test(phrase)) continue;
          counts.set(phrase.toLowerCase(), (counts.get(phrase.toLowerCase()) ?? 0) + 1);
        }
      }
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([p]) => p);
  }
}
