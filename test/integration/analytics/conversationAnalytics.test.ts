import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { askInsights } from '@switchboard/app/analytics/askInsights';
import { callAnnotation } from '@switchboard/app/analytics/callAnnotation';
import { customerHash } from '@switchboard/app/analytics/customerHash';
import { eraseCustomer } from '@switchboard/app/analytics/eraseCustomer';
import { insightsTrends, type TrendsAnswer } from '@switchboard/app/analytics/insightsTrends';
import { messagingAnnotation } from '@switchboard/app/analytics/messagingAnnotation';
import { parseTrendsQuery } from '@switchboard/app/analytics/trendsQuery';
import { conversationKey, ConversationStore } from '@switchboard/app/messaging/conversationStore';
import { startAzurite, type AzuriteInstance } from '@switchboard/functions-host/azurite';
import { analyticsOver, callEnd, idleConversation, SALT, summaryOf } from './analyticsWorld';

// Conversation analytics over a real Azurite: a scripted day of calls and messages enters as the app hands it
// over (a call orchestration's end, an idle messaging conversation, a summary), and the trends, the answers and
// the erasure are read back through the same code the HTTP functions run.

const DAY = '2026-03-10'; // a Tuesday
const ALICE = '+1 425 555 0123'; // as a lead types it
const ALICE_E164 = '+14255550123';
const BOB = '+14255550199';
const t = (time: string) => `${DAY}T${time}Z`;

describe('conversation analytics', () => {
  let azurite: AzuriteInstance;
  let world: ReturnType<typeof analyticsOver>;
  const alice = customerHash(ALICE, SALT);
  const bob = customerHash(BOB, SALT);

  const calls = {
    contained: callEnd('call-contained', BOB, t('10:00:00'), 60),
    transferred: callEnd('call-transferred', ALICE_E164, t('10:05:00'), 120, {
      outcome: 'transferred',
      lastStep: 'billing',
      lastStepKind: 'transfer',
      path: ['welcome', 'menu', 'billing'],
      facts: { personStep: 'billing', personRequestedAt: t('10:05:20'), personReachedAt: t('10:05:35') },
    }),
    abandoned: callEnd('call-abandoned', BOB, t('11:00:00'), 30, {
      outcome: 'caller-hung-up',
      lastStep: 'menu',
      lastStepKind: 'ask',
      path: ['welcome', 'menu'],
    }),
    voicemail: callEnd('call-voicemail', BOB, t('11:30:00'), 90, {
      outcome: 'caller-hung-up',
      lastStep: 'voicemail',
      lastStepKind: 'record',
      path: ['welcome', 'menu', 'billing', 'busy', 'voicemail'],
      facts: { personStep: 'billing', personRequestedAt: t('11:30:20'), voicemail: true },
    }),
  };
  const sms = idleConversation('sms-alice', 'sms', alice, t('12:00:00'), 300);
  const whatsApp = idleConversation('whatsapp-alice', 'whatsapp', alice, t('13:00:00'), 600, true);
  const summaries = {
    transferred: summaryOf('call-transferred', t('10:05:00'), {
      topics: ['Refund', 'invoice'],
      sentiment: 'negative',
      score: -0.5,
      issue: 'The customer was charged twice.',
      resolution: 'A refund of the second charge was approved.',
      followUps: ['The refund arrives within 5 working days.'],
    }),
    contained: summaryOf('call-contained', t('10:00:00'), {
      topics: ['refund'],
      sentiment: 'neutral',
      score: 0,
      issue: 'Asked how refunds work.',
      resolution: '',
    }),
    sms: summaryOf('sms-alice', t('12:00:00'), {
      topics: ['opening hours'],
      sentiment: 'positive',
      score: 0.6,
      issue: 'Asked when the shop opens.',
      resolution: 'Told the opening hours.',
    }),
    whatsApp: summaryOf('whatsapp-alice', t('13:00:00'), {
      topics: ['address change'],
      sentiment: 'positive',
      score: 0.4,
      issue: 'Wants to change the delivery address.',
      resolution: '',
    }),
  };

  const trends = async (query: string): Promise<TrendsAnswer> => {
    // What functions/insightsTrends.ts does with the query string.
    const q = parseTrendsQuery(new URLSearchParams(query));
    const previousFrom = new Date(2 * q.from.getTime() - q.to.getTime());
    return insightsTrends(
      q,
      await world.analytics.rollups.list(q.interval === 'hour' ? 'hour' : 'day', previousFrom, q.to),
    );
  };

  before(async () => {
    azurite = await startAzurite();
    world = analyticsOver(azurite, 'analytics');
    const { analytics } = world;
    // The day before: one contained call about a refund (the topics' previous period).
    await analytics.ended(callAnnotation(callEnd('call-monday', BOB, '2026-03-09T09:00:00Z', 40), SALT));
    await analytics.summarized(
      summaryOf('call-monday', '2026-03-09T09:00:00Z', {
        topics: ['refund'],
        sentiment: 'neutral',
        score: 0,
        issue: 'Refund?',
        resolution: '',
      }),
    );
    // A live transcript's summary can beat the end of its conversation.
    assert.equal(await analytics.summarized(summaries.whatsApp), 'waiting-for-end');
    for (const call of Object.values(calls)) assert.equal(await analytics.ended(callAnnotation(call, SALT)), 'counted');
    await analytics.ended(messagingAnnotation(sms, undefined));
    await analytics.ended(messagingAnnotation(whatsApp, 'customer-care'));
    for (const s of [summaries.transferred, summaries.contained, summaries.sms])
      assert.equal(await analytics.summarized(s), 'counted');
  });
  after(() => azurite?.stop());

  it('counts the day exactly: volumes, rates, where callers gave up, handle time, time to a person, topics, sentiment', async () => {
    const answer = await trends(`from=${DAY}&to=2026-03-11&interval=day`);
    const day = answer.totals;
    assert.equal(day.conversations, 6);
    assert.deepEqual(day.byChannel, { call: 4, sms: 1, whatsapp: 1 });
    assert.deepEqual(day.handling, { contained: 2, transferred: 2, voicemail: 1, abandoned: 1, failed: 0 });
    assert.equal(day.containmentRate, 0.3333);
    assert.equal(day.transferRate, 0.3333);
    assert.equal(day.abandonmentRate, 0.1667);
    assert.equal(day.voicemailRate, 0.1667);
    assert.deepEqual(day.abandonedAt, { menu: 1 });
    assert.deepEqual(day.transferredTo, { billing: 1, 'customer-care': 1 });
    assert.equal(day.averageHandleSeconds, 200, '(60 + 120 + 30 + 90 + 300 + 600) / 6');
    assert.deepEqual(day.timeToPerson, { reached: 1, p50Seconds: 45, p90Seconds: 45, averageWaitSeconds: 15 });
    assert.deepEqual(day.sentiment, { positive: 2, neutral: 1, negative: 1, mixed: 0, averageScore: 0.125 });
    assert.equal(day.summarized, 4);
    assert.equal(day.resolvedRate, 0.5);
    assert.deepEqual(answer.topTopics[0], { topic: 'refund', count: 2, previous: 1, change: 1, changeRate: 1 });
    assert.deepEqual(
      answer.topTopics.map((x) => x.topic),
      ['refund', 'address change', 'invoice', 'opening hours'],
    );
    assert.equal(answer.intervals.length, 1);
  });

  it('splits the day by hour and filters by channel and line', async () => {
    const hours = await trends(`from=${DAY}T10:00:00Z&to=${DAY}T12:00:00Z&interval=hour&channel=call`);
    assert.deepEqual(
      hours.intervals.map((h) => [h.start.slice(11, 13), h.conversations, h.handling.abandoned]),
      [
        ['10', 2, 0],
        ['11', 2, 1],
      ],
    );
    const care = await trends(`from=${DAY}&to=2026-03-11&line=care`);
    assert.equal(care.totals.conversations, 2);
    assert.deepEqual(care.totals.byChannel, { sms: 1, whatsapp: 1 });
  });

  it('counts a redelivered end, or a summary made twice, only once', async () => {
    const before = await trends(`from=${DAY}&to=2026-03-11`);
    assert.equal(await world.analytics.ended(callAnnotation(calls.transferred, SALT)), 'already-counted');
    assert.equal(await world.analytics.ended(messagingAnnotation(sms, undefined)), 'already-counted');
    assert.equal(await world.analytics.summarized(summaries.transferred), 'already-counted');
    // Concurrent redeliveries of one end race for the same marker: one counts.
    const raced = await Promise.all([1, 2, 3].map(() => world.analytics.ended(callAnnotation(calls.abandoned, SALT))));
    assert.deepEqual(raced, ['already-counted', 'already-counted', 'already-counted']);
    assert.deepEqual(await trends(`from=${DAY}&to=2026-03-11`), before);
  });

  it('never stores a customer number: only its salted hash', async () => {
    const { annotations, customers, rollups } = world.tables;
    for (const table of [annotations, customers, rollups])
      for await (const row of table.listEntities()) assert.doesNotMatch(JSON.stringify(row), /4255550(123|199)/);
  });

  it('"summarize all conversations with" a customer cites exactly theirs, across channels, and no one else\'s', async () => {
    const answer = await askInsights(
      { question: `Summarize all conversations with ${ALICE}`, customer: ALICE },
      { analytics: world.analytics, customerSalt: SALT },
    );
    assert.equal(answer.grounded, true);
    assert.deepEqual(
      answer.citations.map((c) => [c.conversationId, c.channel]),
      [
        ['call-transferred', 'call'],
        ['sms-alice', 'sms'],
        ['whatsapp-alice', 'whatsapp'],
      ],
    );
    assert.match(
      answer.answer,
      /\[1\] 2026-03-10 call \(mainLine\): handed to billing\. .*refund of the second charge/,
    );
    assert.doesNotMatch(answer.answer, /4255550123/);
  });

  it('answers what was promised from the conversation that promised it, and says when it has nothing to go on', async () => {
    const refund = await askInsights(
      { question: 'What did we promise this customer about their refund?', customer: ALICE_E164 },
      { analytics: world.analytics, customerSalt: SALT },
    );
    assert.deepEqual(
      refund.citations.map((c) => c.conversationId),
      ['call-transferred'],
    );
    assert.match(refund.answer, /Promised: The refund arrives within 5 working days/);
    const stranger = await askInsights(
      { question: 'Summarize all conversations with this customer', customer: '+14255550000' },
      { analytics: world.analytics, customerSalt: SALT },
    );
    assert.deepEqual([stranger.grounded, stranger.citations], [false, []]);
    assert.match(stranger.answer, /nothing to go on/);
  });

  it('answers why callers abandoned on Tuesday from the rollups, citing the day', async () => {
    const answer = await askInsights(
      {
        question: 'Why did callers abandon on Tuesday?',
        from: new Date(`${DAY}T00:00:00Z`),
        to: new Date('2026-03-11'),
      },
      { analytics: world.analytics },
    );
    assert.match(answer.answer, /Callers gave up at menu \(1\)/);
    assert.deepEqual(answer.intervals, [{ ref: 1, interval: `${DAY}T00:00:00.000Z` }]);
  });

  it('erases everything of one customer and nothing of anyone else', async () => {
    const { blobs, tables, analytics } = world;
    const put = async (container: string, name: string) => {
      const client = blobs.getContainerClient(container);
      await client.createIfNotExists();
      await client.getBlockBlobClient(name).upload('{}', 2);
    };
    const aliceIds = ['call-transferred', 'sms-alice', 'whatsapp-alice'];
    for (const id of [...aliceIds, 'call-contained']) {
      await put('summaries', `${id}.json`);
      await put('summaries', `${id}.md`);
      await put('transcripts', `${id}.json`);
    }
    await put('transcripts', 'call-transferred-1.json');
    await put('recordings', 'call-transferred/0.wav');
    await put('recordings', 'call-contained/0.wav');
    await put('deadletter', 'transcripts/call-transferred-1.json.json');
    const waKey = conversationKey('whatsapp', ALICE_E164, whatsApp.business as string);
    await put('messaging-media', `${waKey.slice(0, 16)}/media-1`);
    const store = new ConversationStore(tables.conversations, 3_600_000);
    const smsKey = conversationKey('sms', ALICE_E164, '+18005550800');
    await store.update(
      smsKey,
      () => sms,
      (state) => ({ state, result: undefined }),
    );

    const purged: string[] = [];
    const report = await eraseCustomer(ALICE, {
      analytics,
      salt: SALT,
      container: async (name) => {
        const client = blobs.getContainerClient(name);
        await client.createIfNotExists();
        return client;
      },
      eraseConversationState: (key) => store.erase(key),
      purgeCall: (callId) => {
        purged.push(callId);
        return Promise.resolve();
      },
    });
    assert.equal(report.conversations, 3);
    assert.deepEqual(purged, ['call-transferred']);

    const left: string[] = [];
    for await (const container of blobs.listContainers())
      for await (const blob of blobs.getContainerClient(container.name).listBlobsFlat())
        left.push(`${container.name}/${blob.name}`);
    const rows: string[] = [];
    for (const table of Object.values(tables))
      for await (const row of table.listEntities()) rows.push(JSON.stringify(row));
    for (const id of aliceIds) {
      assert.deepEqual(
        left.filter((name) => name.includes(id)),
        [],
        `no blob of ${id}`,
      );
      assert.deepEqual(
        rows.filter((row) => row.includes(id)),
        [],
        `no row of ${id}`,
      );
    }
    assert.deepEqual(
      rows.filter((row) => row.includes(alice)),
      [],
      'no row carries her hash',
    );
    assert.deepEqual(
      left.filter((name) => name.startsWith('messaging-media/')),
      [],
    );
    assert.equal(await store.get(smsKey), undefined);
    // Bob's are all still there.
    assert.ok(left.includes('summaries/call-contained.json') && left.includes('recordings/call-contained/0.wav'));
    assert.equal(rows.filter((row) => row.includes(bob)).length, 8, 'his 4 annotations and 4 index entries');
    const after = await askInsights(
      { question: 'Summarize all conversations with her', customer: ALICE },
      { analytics, customerSalt: SALT },
    );
    assert.deepEqual(after.citations, []);
  });
});
