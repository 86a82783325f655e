import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildMessaging } from '@switchboard/app/app/buildMessaging';
import { loadConfig } from '@switchboard/app/config';
import type { MessagingAgent } from '@switchboard/app/flows/flowSchema';
import type { InsightsBlobs } from '@switchboard/app/summaries/insightsBlobs';
import { appSettings } from '../../support/appSettings';

const loaded = (pkg: string) => Object.keys(require.cache).some((path) => path.includes(`/node_modules/${pkg}/`));

describe('the messaging services', () => {
  it('load no chat model until an agent needs one (the idle sweep and a call burst never pay for them)', async () => {
    const config = loadConfig(appSettings);
    // Exports are not made here: the blob store is never reached.
    const messaging = buildMessaging({ config, flows: { flows: {}, sources: {} } }, {} as InsightsBlobs);
    assert.equal(loaded('wink-eng-lite-web-model'), false, 'the offline NLP model is not loaded by building');
    assert.equal(loaded('openai'), false, 'the OpenAI client is not loaded by building');

    const agent = {
      name: 'help',
      agent: { faq: [{ question: 'When are you open?', answer: 'Weekdays.' }] } as MessagingAgent,
    };
    const model = await messaging.modelFor(agent);
    assert.equal(await messaging.modelFor(agent), model, 'one model per agent');
    assert.equal(loaded('wink-eng-lite-web-model'), true, 'the offline model loads when an agent first needs it');
    const reply = await model.complete({ turns: [{ role: 'user', content: 'when are you open?' }], tools: [] });
    assert.deepEqual(reply, { kind: 'text', text: 'Weekdays.' });
  });
});
