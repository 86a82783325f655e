import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface WatchedPage {
  page: Page;
  /** Uncaught page errors and console errors, as `kind: text`. */
  problems: string[];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Played call audio starts without a click, as it does after the user's first click in a real session;
    // the microphone is Chromium's fake device (a tone), allowed without a prompt.
    args: [
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
}

/** A new page whose errors (thrown or logged) are collected, so a test can fail on any of them. */
export async function watchedPage(browser: Browser, viewport = { width: 1440, height: 1000 }): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return { page, problems };
}
