// The hosted device page in a real browser: headless Chromium (Debian's, driven by
// playwright-core) opens the verification URI a device showed, signs in with the keyboard,
// sees which application asks, and approves.
//
//   node device_page.mjs <verification_uri_complete> <email> <password> <artifacts_dir>
//
// Prints one JSON line: what each page said, and whether any script ran (a dialog) or the CSP
// refused anything. Leaves device-sign-in.png, device-approve.png and device-done.png in
// <artifacts_dir>.
import { mkdirSync } from 'node:fs';
import { watchedPage } from './browser.mjs';

const [verificationUri, email, password, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const { browser, page, watched } = await watchedPage();
try {
  await page.goto(verificationUri);
  await page.getByLabel('Email').waitFor();
  await page.screenshot({ path: `${artifacts}/device-sign-in.png`, fullPage: true });
  // Keyboard only: the email field has focus, Tab moves on, Enter submits.
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');

  const approve = page.getByRole('button', { name: 'Approve' });
  await approve.waitFor();
  const approvalText = await page.locator('main').innerText();
  await page.screenshot({ path: `${artifacts}/device-approve.png`, fullPage: true });
  await approve.focus();
  await page.keyboard.press('Enter');
  await page.getByText('Device connected').waitFor();
  const doneText = await page.locator('main').innerText();
  await page.screenshot({ path: `${artifacts}/device-done.png`, fullPage: true });

  console.log(JSON.stringify({ approval_text: approvalText, done_text: doneText, dialogs: watched.dialogs, violations: watched.violations }));
} finally {
  await browser.close();
}
