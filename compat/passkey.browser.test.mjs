// Passkeys end to end in a real browser: headless Chromium (Debian's, driven by playwright-core)
// with a CDP virtual authenticator signs up, registers a passkey, signs out, and signs in again
// with the passkey alone (a discoverable credential: no email typed, empty allowCredentials).
//
// Run by compat/run.sh against a server whose BETTER_AUTH_URL is http://localhost:PORT: WebAuthn
// refuses an IP address as the relying-party id, and http://localhost is a secure context. By
// hand: BEEP_IAM_URL=http://localhost:4123 node --test compat/passkey.browser.test.mjs
// Leaves a screenshot of the signed-in page in compat/artifacts/passkey-signed-in.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BASE_URL = process.env.BEEP_IAM_URL;
if (!BASE_URL || new URL(BASE_URL).hostname !== "localhost") {
  throw new Error(`BEEP_IAM_URL must be http://localhost:PORT (got ${BASE_URL}); see compat/run.sh`);
}
const ORIGIN = new URL(BASE_URL).origin;
const PAGE_URL = `${ORIGIN}/passkey-test`; // served by page.route, not by the server
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// This machine has no internet: without these Chromium keeps trying to reach Google's services.
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const SCREENSHOT = fileURLToPath(new URL("./artifacts/passkey-signed-in.png", import.meta.url));

// The page: a tiny same-origin app. Its functions call the server with fetch (cookies included)
// and navigator.credentials, return {method, path, status, body} and log each step on the page.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>beep-iam passkey test</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 2em; max-width: 52em; }
  #who { font-size: 1.3em; margin: 1em 0; padding: .6em 1em; border-radius: 6px; background: #eee; }
  #who.in { background: #d9f2dd; }
  li { font-family: monospace; margin: .2em 0; }
</style></head>
<body>
<h1>beep-iam passkey test</h1>
<div id="who">Signed out</div>
<ol id="log"></ol>
<script>
  const log = (line) => { const li = document.createElement("li"); li.textContent = line; document.getElementById("log").append(li); };
  async function call(method, path, body) {
    const res = await fetch("/api/auth" + path, {
      method,
      credentials: "include",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = text === "" ? null : JSON.parse(text); } catch { json = text; }
    log(method + " " + path + " → " + res.status);
    return { method, path, status: res.status, body: json };
  }
  async function showSession() {
    const res = await call("GET", "/get-session");
    const who = document.getElementById("who");
    who.className = res.body?.user ? "in" : "";
    who.textContent = res.body?.user ? "Signed in as " + res.body.user.email : "Signed out";
    return res;
  }
  window.app = {
    call,
    showSession,
    signUp: (email, password, name) => call("POST", "/sign-up/email", { email, password, name }),
    async registerPasskey(name) {
      const options = await call("GET", "/passkey/generate-register-options");
      if (options.status !== 200) return { options };
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options.body);
      const credential = await navigator.credentials.create({ publicKey });
      log("navigator.credentials.create → " + credential.id);
      const verify = await call("POST", "/passkey/verify-registration", { response: credential.toJSON(), name });
      return { options, credentialId: credential.id, verify };
    },
    signOut: () => call("POST", "/sign-out", {}),
    async signInWithPasskey() {
      const options = await call("GET", "/passkey/generate-authenticate-options");
      if (options.status !== 200) return { options };
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.body);
      const assertion = await navigator.credentials.get({ publicKey });
      log("navigator.credentials.get → " + assertion.id);
      const verify = await call("POST", "/passkey/verify-authentication", { response: assertion.toJSON() });
      return { options, credentialId: assertion.id, verify };
    },
  };
</script>
</body></html>`;

const b64ToB64url = (s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Asserts a call the page made answered 200, showing the exchange when it did not. */
function assertOk(res, what) {
  assert.ok(res, `${what}: no response`);
  assert.equal(res.status, 200, `${what}: ${res.method} ${res.path} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let browser;
let page;
let cdp;
let authenticatorId;

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  page = await context.newPage();
  page.on("pageerror", (err) => console.error("page error:", err));
  await page.route(PAGE_URL, (route) => route.fulfill({ contentType: "text/html", body: PAGE }));
  cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  ({ authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  }));
  await page.goto(PAGE_URL);
});

after(async () => {
  await browser?.close();
});

/** The virtual authenticator's one credential, as CDP reports it (credentialId in base64url). */
async function authenticatorCredential() {
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  assert.equal(credentials.length, 1, `the authenticator holds ${credentials.length} credentials`);
  const [c] = credentials;
  return { ...c, credentialId: b64ToB64url(c.credentialId), userHandle: b64ToB64url(c.userHandle ?? "") };
}

test("passkey in Chromium: sign up, register a passkey, sign out, sign in with the passkey", { timeout: 60_000 }, async (t) => {
  const email = `compat-passkey-${randomBytes(6).toString("hex")}@example.com`;
  const password = `Correct-Horse-${randomBytes(6).toString("hex")}-Battery`;
  let user;
  let firstSession;
  let credentialId;
  // Each step needs the ones before it: after a failure the rest are skipped, not failed again.
  let failed = false;
  const step = (name, fn) =>
    t.test(name, { skip: failed && "an earlier step failed" }, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });

  await step("sign up sets a session cookie", async () => {
    const signUp = assertOk(await page.evaluate((a) => app.signUp(...a), [email, password, "Passkey Person"]), "sign-up");
    assert.equal(signUp.user.email, email);
    const session = assertOk(await page.evaluate(() => app.showSession()), "get-session after sign-up");
    assert.equal(session?.user?.email, email, `get-session after sign-up: ${JSON.stringify(session)}`);
    user = session.user;
    firstSession = session.session;
  });

  await step("register a passkey: the row names the credential the authenticator made", async () => {
    const r = await page.evaluate(() => app.registerPasskey("laptop"));
    const options = assertOk(r.options, "generate-register-options");
    assert.equal(options.rp?.id, "localhost", `rp: ${JSON.stringify(options.rp)}`);
    assert.equal(options.user?.name, email, `user: ${JSON.stringify(options.user)}`);
    assert.equal(options.attestation, "none");
    const row = assertOk(r.verify, "verify-registration");

    const cred = await authenticatorCredential();
    credentialId = r.credentialId;
    assert.equal(cred.credentialId, credentialId, "CDP and navigator.credentials agree on the id");
    assert.equal(cred.rpId, "localhost");
    assert.equal(cred.isResidentCredential, true, "a discoverable credential");
    assert.equal(cred.userHandle, options.user.id, "the authenticator stores the options' user.id");

    assert.equal(row.credentialID, credentialId, `passkey row: ${JSON.stringify(row)}`);
    assert.equal(row.userId, user.id);
    assert.equal(row.name, "laptop");
    assert.equal(row.counter, cred.signCount, "the row's counter is the authenticator's after create");
    assert.equal(typeof row.publicKey, "string");
    assert.ok(row.id, "the row has an id");
  });

  await step("sign out: get-session is null", async () => {
    const out = assertOk(await page.evaluate(() => app.signOut()), "sign-out");
    assert.deepEqual(out, { success: true });
    const session = assertOk(await page.evaluate(() => app.showSession()), "get-session after sign-out");
    assert.equal(session, null, `get-session after sign-out: ${JSON.stringify(session)}`);
  });

  await step("sign in with the passkey alone (discoverable, no email typed)", async () => {
    const r = await page.evaluate(() => app.signInWithPasskey());
    const options = assertOk(r.options, "generate-authenticate-options");
    assert.ok(!options.allowCredentials?.length, `signed out, so no allowCredentials: ${JSON.stringify(options)}`);
    assert.equal(r.credentialId, credentialId, "the browser chose the registered credential");
    const signedIn = assertOk(r.verify, "verify-authentication");
    assert.equal(signedIn?.user?.email, email, `verify-authentication: ${JSON.stringify(signedIn)}`);

    const session = assertOk(await page.evaluate(() => app.showSession()), "get-session after passkey sign-in");
    assert.equal(session?.user?.email, email, `get-session after passkey sign-in: ${JSON.stringify(session)}`);
    assert.equal(session.user.id, user.id);
    assert.notEqual(session.session.id, firstSession.id, "a new session");

    const list = assertOk(await page.evaluate(() => app.call("GET", "/passkey/list-user-passkeys")), "list-user-passkeys");
    assert.equal(list.length, 1, `list-user-passkeys: ${JSON.stringify(list)}`);
    const cred = await authenticatorCredential();
    assert.equal(list[0].credentialID, credentialId);
    assert.equal(list[0].counter, cred.signCount, "the stored counter is the authenticator's after the sign-in");

    mkdirSync(new URL("./artifacts/", import.meta.url), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
