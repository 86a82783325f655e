import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { chatIdentities } from '@switchboard/sandbox/startSandbox';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Browser, Page } from 'playwright-core';
import { startConsole, type ConsoleServer } from '@switchboard/console/consoleServer';
import { launchChromium, watchedPage, type WatchedPage } from '../support/browser';
import { fixture, repoRoot } from '../support/paths';
import { startSwitchboard, type SwitchboardSandbox } from '../support/switchboardSandbox';
import { CHROMIUM_PACKAGES, systemPackages } from '../support/systemPackages';
import { waitFor } from '../support/waitFor';

// The sandbox console in Debian's Chromium, driven as a person would: dial, listen, press keys, type to the
// voice agent, text the contact centre, open what a finished call left behind. Any error the page shows or
// logs fails the test. `npm run console:screenshot` runs this file with CONSOLE_SCREENSHOT set.

const chromium = systemPackages(CHROMIUM_PACKAGES);
const WAIT = { timeout: 60_000 };

describe('the sandbox console in a browser', { skip: chromium.skip }, () => {
  let sb: SwitchboardSandbox;
  let server: ConsoleServer;
  let browser: Browser;
  let watched: WatchedPage;
  let page: Page;

  before(async () => {
    chromium.require();
    // Real time in the PSTN world: a person clicking in a browser needs the menu's real 5 s to answer.
    // The chat bot and the person it hands over to, as npm start makes them.
    sb = await startSwitchboard({ acs: { answerDelayMs: 500 }, bridge: {}, parts: [chatIdentities] });
    const bot = sb.appSettings.CHAT_BOT_USER_ID;
    server = await startConsole({
      controlUrl: sb.acs.controlUrl,
      caPem: readFileSync(sb.acs.caCertPath, 'utf8'),
      appUrl: sb.host.url,
      appToken: await sb.entra.token({ caller: 'console-test' }),
      blobs: BlobServiceClient.fromConnectionString(sb.azurite.connectionString),
      flowsPath: fixture('flows'),
      root: repoRoot,
      chat: { connectionString: sb.acs.connectionString, botUserId: bot },
    });
    browser = await launchChromium();
    watched = await watchedPage(browser);
    page = watched.page;
    await page.goto(server.url);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor(WAIT);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await sb?.stop();
  });
  afterEach(async () => {
    assert.deepEqual(watched.problems, [], 'the page logged or threw no errors');
    assert.equal(await page.locator('.error-banner').count(), 0, 'the page shows no error');
  });

  const entry = (type: string) => page.locator(`.entries li[data-type="${type}"]`);
  /** The page has received and queued at least this many seconds of the call's audio. */
  const heard = (seconds: number) =>
    waitFor(async () => Number(await page.locator('.speaker').getAttribute('data-heard')) >= seconds, {
      what: `${seconds} s of the call's audio in the page`,
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  const dial = async (to: string) => {
    await page.getByLabel('To', { exact: true }).fill(to);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
  };

  it('dials the main line, hears and shows the menu prompt and highlights the menu step, then presses 1 and the agent answers the transfer', async () => {
    // The billing agent is the person at the keyboard: the transfer rings in the console until they answer.
    await page.getByLabel('Number', { exact: true }).fill('+18005550111');
    await page.getByLabel('Answers').selectOption('manual');
    await page.getByRole('button', { name: 'Set' }).click();
    await page.locator('.agents .saved', { hasText: '+18005550111' }).waitFor(WAIT);
    await dial('+18005550100');
    await page.locator('.entries li', { hasText: 'prompt: “For billing press 1' }).first().waitFor(WAIT);
    await page.locator('.flow-diagram g.step.current[data-step="menu"]').waitFor(WAIT);
    // The welcome prompt reached the browser as audio (synthesized by the emulator, queued on Web Audio).
    await heard(0.5);
    assert.equal(await page.locator('.flow-diagram g.step.visited[data-step="welcome"]').count(), 1);
    await page.getByRole('button', { name: 'Key 1' }).click();
    await entry('transferToParticipant').first().waitFor(WAIT);
    await page.getByRole('button', { name: 'Answer as +18005550111' }).click();
    await entry('ringAnswered').first().waitFor(WAIT);
    await entry('transferConnected').first().waitFor(WAIT);
    await page.locator('.flow-diagram g.step.visited[data-step="billing"]').waitFor(WAIT);
    await page.locator('.calls tr.selected .outcome', { hasText: 'transferred' }).waitFor(WAIT);
    assert.match(await page.locator('.calls tr.selected .path').innerText(), /welcome › menu › billing/);
    if (process.env.CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
  });

  it('types a sentence to the voice agent and hears its answer, talks into the call by microphone, and after hanging up opens the transcript and the redacted summary', async () => {
    await dial('+18005550800');
    await entry('mediaAudioReceived').first().waitFor(WAIT);
    await page.getByLabel('Say', { exact: true }).fill('I want to check on my order');
    await page.getByRole('button', { name: 'Say', exact: true }).click();
    await page.locator('.entries li[data-type="say"] ~ li[data-type="mediaAudioReceived"]').first().waitFor(WAIT);
    await heard(1);
    // The microphone: the browser's audio goes into the call as the caller's voice.
    await page.getByRole('button', { name: 'Talk (microphone)' }).click();
    await waitFor(async () => Number(await page.locator('.mic-sent').getAttribute('data-sent')) >= 1, {
      what: "a second of the microphone's audio sent",
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    await page.getByRole('button', { name: 'Stop talking' }).click();
    await page.locator('.entries li[data-type="microphoneOff"]', { hasText: 's spoken' }).first().waitFor(WAIT);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.locator('.call-state .state[data-state="disconnected"]').waitFor(WAIT);
    await page.locator('.after .transcript li', { hasText: 'order' }).first().waitFor({ timeout: 120_000 });
    await page.locator('.after .summary').waitFor({ timeout: 120_000 });
    assert.ok((await page.locator('.after .summary').innerText()).length > 0);
  });

  it('has the app call the softphone with the reminder flow, hears the reminder and confirms with 1', async () => {
    await page.getByLabel('Number the app calls').fill('+14255550188');
    await page.getByLabel('with flow').selectOption('reminder');
    await page.getByRole('button', { name: 'Call me' }).click();
    await page.locator('.entries li', { hasText: 'prompt: “This is a reminder' }).first().waitFor(WAIT);
    await page.locator('.flow-diagram g.step.current[data-step="remind"]').waitFor(WAIT);
    await page.getByRole('button', { name: 'Key 1' }).click();
    await page.locator('.flow-diagram g.step.visited[data-step="confirmed"]').waitFor(WAIT);
    await page.locator('.calls tr.selected .path', { hasText: 'remind › confirmed' }).waitFor(WAIT);
  });

  it('texts the SMS agent as a customer and shows its answer, and HELP gets the help text', async () => {
    await page.getByLabel('Customer').fill('+14255550301');
    await page.getByLabel('Line', { exact: true }).fill('+18005550800');
    await page.getByLabel('Message', { exact: true }).fill('Hi, when are you open on Saturday?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread .bubble.customer', { hasText: 'open on Saturday' }).waitFor(WAIT);
    await page.locator('.thread .bubble.app', { hasText: 'Saturday 9am to 1pm' }).waitFor(WAIT);
    await page.getByLabel('Line', { exact: true }).fill('+18005550700');
    await page.getByLabel('Message', { exact: true }).fill('HELP');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread .bubble.app', { hasText: 'Reply STOP to unsubscribe' }).waitFor(WAIT);
  });

  it('writes to the WhatsApp agent and shows its answer', async () => {
    await page.getByLabel('Channel').selectOption('whatsapp');
    await page.getByLabel('Customer').fill('+14255550302');
    await page.getByLabel('Message', { exact: true }).fill('Hi, when are you open on Saturday?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread .bubble.app', { hasText: 'Saturday' }).waitFor(WAIT);
  });

  it('chats with the chat bot as a customer and shows its answer', async () => {
    await page.getByLabel('Channel').selectOption('chat');
    await page.getByLabel('Message', { exact: true }).fill('Hi, what are your opening hours?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread .bubble.customer', { hasText: 'opening hours' }).waitFor(WAIT);
    await page.locator('.thread .bubble.app', { hasText: 'open Monday to Friday' }).waitFor(WAIT);
  });
});
