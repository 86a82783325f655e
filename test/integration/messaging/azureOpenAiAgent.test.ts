import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAzureOpenAi, type FakeAzureOpenAi } from '@switchboard/ai-fakes/fakeAzureOpenAi';
import { startSwitchboard, type SwitchboardSandbox } from '../../support/switchboardSandbox';
import { waitFor } from '../../support/waitFor';

// The messaging agent with MESSAGING_PROVIDER=azure-openai against the fake Azure OpenAI deployment: the
// app's `openai` AzureOpenAI client gets its token from the (fake) managed-identity endpoint, as in Azure.

const LINE = '+18005550800';
const DEPLOYMENT = 'gpt-4o-mini';

describe('the messaging agent with the Azure OpenAI provider', () => {
  let sb: SwitchboardSandbox;
  let aoai: FakeAzureOpenAi;

  before(async () => {
    aoai = await startFakeAzureOpenAi();
    sb = await startSwitchboard({
      acs: { timeScale: 0.05, ringTimeoutMs: 20_000, answerDelayMs: 100 },
      env: {
        MESSAGING_PROVIDER: 'azure-openai',
        AZURE_OPENAI_ENDPOINT: aoai.endpoint,
        AZURE_OPENAI_CHAT_DEPLOYMENT: DEPLOYMENT,
        IDENTITY_ENDPOINT: aoai.identityEndpoint,
        IDENTITY_HEADER: aoai.identityHeader,
      },
    });
  });
  after(async () => {
    await sb?.stop();
    await aoai?.close();
  });

  const smsTo = async (number: string) =>
    (await sb.acs.control.listSms()).filter((m) => m.direction === 'outbound' && m.to === number);
  const replyTo = (number: string, pattern: RegExp) =>
    waitFor(async () => (await smsTo(number)).find((m) => pattern.test(m.message)), {
      what: `a reply matching ${pattern}`,
      timeoutMs: 30_000,
    });
  const text = (from: string, message: string) => sb.acs.control.receiveSms({ from, to: LINE, message });
  const completions = () => aoai.requests.filter((r) => r.deployment === DEPLOYMENT);

  it('answers an SMS question with the model, which was given the FAQ and the tools', async () => {
    await text('+14255550501', 'How do I change my address?');
    const reply = await replyTo('+14255550501', /.+/);
    assert.match(reply.message, /under Profile/);
    const request = completions().at(-1)!;
    assert.equal(request.status, 200);
    assert.match(request.apiVersion, /^\d{4}-\d{2}-\d{2}/);
    assert.deepEqual(request.body.tools?.map((t) => t.function.name).sort(), ['callMeBack', 'handoff']);
    assert.match(JSON.stringify(request.body.messages[0]), /Q: How do I change my address\?/);
  });

  it('calls the customer back when the model calls the callMeBack tool', async () => {
    const customer = '+14255550502';
    await text(customer, 'Could you call me back please?');
    await replyTo(customer, /calling you now/);
    const call = await waitFor(
      async () =>
        (await sb.acs.control.listCalls()).find(
          (c) => c.direction === 'outbound' && c.callee.rawId === `4:${customer}`,
        ),
      { what: 'the call-back call' },
    );
    assert.equal(call.caller.rawId, `4:${LINE}`);
    // The model saw the tool's result before it answered.
    const toolTurn = completions().find((r) => r.body.messages.some((m) => m.role === 'tool'));
    assert.ok(toolTurn, 'a second completion carried the tool result');
  });

  it('retries a throttled model (429 with Retry-After) and still answers', async () => {
    const before = completions().length;
    aoai.throttleNext(2, 20);
    await text('+14255550503', 'How do I get a refund?');
    await replyTo('+14255550503', /Refunds go back to your card/);
    const statuses = completions()
      .slice(before)
      .map((r) => r.status);
    assert.deepEqual(statuses, [429, 429, 200]);
  });

  it('refuses politely when the content filter stops the prompt', async () => {
    await text('+14255550504', 'I will bomb your office');
    await replyTo('+14255550504', /cannot help with that/);
  });

  it('apologises, not silence, when the model is down', async () => {
    aoai.failAll(503);
    try {
      await text('+14255550505', 'What are your opening hours?');
      await replyTo('+14255550505', /cannot answer right now/);
    } finally {
      aoai.failAll(undefined);
    }
  });
});
