// The hosted login and consent pages in a real browser: headless Chromium (Debian's, driven
// by playwright-core) opens an authorization URL, signs in with the keyboard on the login
// page, allows access on the consent page, and lands on the client's redirect URI (answered
// by page.route, so nothing leaves the machine).
//
//   node hosted_pages.mjs <authorize_url> <email> <password> <artifacts_dir> [<second_factor_code>]
//
// With a second-factor code (the account has two-factor on), the code page comes after the
// password; the code is typed there (two-factor.png).
// Prints one JSON line: the callback URL, what each page said, whether any script ran (a
// dialog) or the CSP refused anything. Leaves login.png and consent.png in <artifacts_dir>.
// The client's redirect URI has no server here: the browser's request to it is the result.
import { mkdirSync } from 'node:fs';
import { watchedPage } from './browser.mjs';

const CALLBACK = /^https:\/\/rp\.example\.com\//;
const [authorizeUrl, email, password, artifacts, secondFactorCode] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const { browser, page, watched } = await watchedPage();
try {
  await page.goto(authorizeUrl);
  await page.getByLabel('Email').waitFor();
  const loginHeading = await page.locator('h1').innerText();
  const loginText = await page.locator('main').innerText();
  await page.screenshot({ path: `${artifacts}/login.png`, fullPage: true });
  // Keyboard only: the email field has focus, Tab moves on, Enter submits.
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');

  let codeText = null;
  if (secondFactorCode) {
    // The code field has focus; Enter submits its form's first button, Verify.
    await page.getByLabel('Code').waitFor();
    codeText = await page.locator('main').innerText();
    await page.screenshot({ path: `${artifacts}/two-factor.png`, fullPage: true });
    await page.keyboard.type(secondFactorCode);
    await page.keyboard.press('Enter');
  }

  await page.getByRole('button', { name: 'Allow' }).waitFor();
  const consentText = await page.locator('main').innerText();
  const consentStyled = await page.locator('main').evaluate((el) => getComputedStyle(el).borderRadius);
  await page.screenshot({ path: `${artifacts}/consent.png`, fullPage: true });
  await page.getByRole('button', { name: 'Allow' }).focus();
  const [callback] = await Promise.all([page.waitForRequest(CALLBACK), page.keyboard.press('Enter')]);

  console.log(JSON.stringify({
    callback: callback.url(),
    login_heading: loginHeading,
    login_text: loginText,
    consent_text: consentText,
    code_text: codeText,
    consent_styled: consentStyled,
    dialogs: watched.dialogs,
    violations: watched.violations,
  }));
} finally {
  await browser.close();
}
