// Headless Chromium (Debian's, driven by playwright-core) for the hosted-page tests, with a
// page that counts script dialogs and records CSP refusals, so a test can say none happened.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// This machine has no internet: without these Chromium keeps trying to reach Google's services.
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The browser, one page, and what it watched: `{ dialogs, violations }` (live counts). */
export async function watchedPage() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const page = await browser.newPage();
  const watched = { dialogs: 0, violations: [] };
  page.on('dialog', (dialog) => { watched.dialogs += 1; dialog.dismiss(); });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watched.violations.push(message.text());
  });
  return { browser, page, watched };
}
