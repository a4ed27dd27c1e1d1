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
// The first test's page (raw fetch) and its authenticator.
let page;
let cdp;
let authenticatorId;

/**
 * A fresh browser context (its own cookies) with one CDP virtual authenticator (discoverable
 * credentials, user verification) and `html` served at PAGE_URL, opened.
 */
async function openPage(html, routes = {}) {
  const context = await browser.newContext();
  const newPage = await context.newPage();
  newPage.on("pageerror", (err) => console.error("page error:", err));
  await newPage.route(PAGE_URL, (route) => route.fulfill({ contentType: "text/html", body: html }));
  for (const [url, body] of Object.entries(routes)) {
    await newPage.route(url, (route) => route.fulfill({ contentType: "text/javascript", body }));
  }
  const session = await context.newCDPSession(newPage);
  await session.send("WebAuthn.enable");
  const { authenticatorId: id } = await session.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await newPage.goto(PAGE_URL);
  return { page: newPage, cdp: session, authenticatorId: id };
}

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  ({ page, cdp, authenticatorId } = await openPage(PAGE));
});

after(async () => {
  await browser?.close();
});

/** An authenticator's one credential, as CDP reports it (credentialId in base64url). */
async function authenticatorCredential(session = cdp, id = authenticatorId) {
  const { credentials } = await session.send("WebAuthn.getCredentials", { authenticatorId: id });
  assert.equal(credentials.length, 1, `the authenticator holds ${credentials.length} credentials`);
  const [c] = credentials;
  return { ...c, credentialId: b64ToB64url(c.credentialId), userHandle: b64ToB64url(c.userHandle ?? "") };
}

/** Runs `t`'s steps in order; after a failure the rest are skipped, not failed again. */
function stepper(t) {
  let failed = false;
  return (name, fn) =>
    t.test(name, { skip: failed && "an earlier step failed" }, async () => {
      try {
        await fn();
      } catch (err) {
        failed = true;
        throw err;
      }
    });
}

test("passkey in Chromium: sign up, register a passkey, sign out, sign in with the passkey", { timeout: 60_000 }, async (t) => {
  const email = `compat-passkey-${randomBytes(6).toString("hex")}@example.com`;
  const password = `Correct-Horse-${randomBytes(6).toString("hex")}-Battery`;
  let user;
  let firstSession;
  let credentialId;
  const step = stepper(t);

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

// The second page runs better-auth's own client, `createAuthClient` from better-auth 1.7.25 with
// `passkeyClient` from @better-auth/passkey 1.7.6 (which calls @simplewebauthn/browser), bundled
// for the browser by esbuild from compat/node_modules.
const CLIENT_URL = `${ORIGIN}/passkey-test/client.mjs`;
const CLIENT_ENTRY = `
  import { createAuthClient } from "better-auth/client";
  import { passkeyClient } from "@better-auth/passkey/client";
  window.authClient = createAuthClient({ baseURL: location.origin, plugins: [passkeyClient()] });
`;
const CLIENT_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>beep-iam passkeyClient test</title></head>
<body><h1>better-auth passkeyClient</h1><script type="module" src="${CLIENT_URL}"></script></body></html>`;

/** better-auth's client and passkey plugin as one browser ES module. */
async function bundleClient() {
  const { build } = await import("esbuild");
  const out = await build({
    stdin: { contents: CLIENT_ENTRY, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/** Asserts a better-auth client call succeeded (`{data, error: null}`) and answers its data. */
function assertData(res, what) {
  assert.ok(res, `${what}: no result`);
  assert.equal(res.error, null, `${what}: ${JSON.stringify(res.error)}`);
  return res.data;
}

test("passkey through better-auth's passkeyClient: add, list, rename, sign out, sign in, delete", { timeout: 60_000 }, async (t) => {
  const { page: clientPage, cdp: clientCdp, authenticatorId: clientAuthenticator } = await openPage(CLIENT_PAGE, {
    [CLIENT_URL]: await bundleClient(),
  });
  await clientPage.waitForFunction(() => window.authClient !== undefined);
  const client = (fn, arg) => clientPage.evaluate(fn, arg);
  const email = `compat-passkey-client-${randomBytes(6).toString("hex")}@example.com`;
  const password = `Correct-Horse-${randomBytes(6).toString("hex")}-Battery`;
  const step = stepper(t);
  let user;
  let passkey;

  await step("signUp.email opens a session", async () => {
    const data = assertData(
      await client(([e, p]) => authClient.signUp.email({ email: e, password: p, name: "Client Person" }), [email, password]),
      "signUp.email",
    );
    user = data.user;
    assert.equal(user.email, email);
  });

  await step("passkey.addPasskey registers the authenticator's credential", async () => {
    passkey = assertData(await client(() => authClient.passkey.addPasskey({ name: "laptop" })), "passkey.addPasskey");
    const cred = await authenticatorCredential(clientCdp, clientAuthenticator);
    assert.equal(passkey.credentialID, cred.credentialId, `passkey row: ${JSON.stringify(passkey)}`);
    assert.equal(passkey.userId, user.id);
    assert.equal(passkey.name, "laptop");
  });

  await step("addPasskey again with the same authenticator is refused by the browser (excludeCredentials)", async () => {
    const res = await client(() => authClient.passkey.addPasskey({ name: "again" }));
    assert.equal(res.data, null, `a second registration: ${JSON.stringify(res)}`);
    assert.equal(res.error?.code, "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED", JSON.stringify(res.error));
  });

  await step("passkey.listUserPasskeys and updatePasskey", async () => {
    const list = assertData(await client(() => authClient.passkey.listUserPasskeys()), "listUserPasskeys");
    assert.deepEqual(list.map((p) => p.id), [passkey.id]);
    const updated = assertData(
      await client((id) => authClient.passkey.updatePasskey({ id, name: "work laptop" }), passkey.id),
      "updatePasskey",
    );
    assert.equal(updated.passkey.name, "work laptop");
  });

  await step("signOut, then signIn.passkey with no email signs the same user in", async () => {
    assert.deepEqual(assertData(await client(() => authClient.signOut()), "signOut"), { success: true });
    assert.equal(assertData(await client(() => authClient.getSession()), "getSession after signOut"), null);

    const signedIn = assertData(await client(() => authClient.signIn.passkey()), "signIn.passkey");
    assert.equal(signedIn.user.id, user.id, `signIn.passkey: ${JSON.stringify(signedIn)}`);
    const session = assertData(await client(() => authClient.getSession()), "getSession after signIn.passkey");
    assert.equal(session?.user?.email, email, `getSession: ${JSON.stringify(session)}`);
  });

  await step("passkey.deletePasskey removes it; signIn.passkey then fails", async () => {
    assert.deepEqual(
      assertData(await client((id) => authClient.passkey.deletePasskey({ id }), passkey.id), "deletePasskey"),
      { status: true },
    );
    assert.deepEqual(assertData(await client(() => authClient.passkey.listUserPasskeys()), "listUserPasskeys"), []);
    await client(() => authClient.signOut());
    const res = await client(() => authClient.signIn.passkey());
    assert.equal(res.data, null, `signIn.passkey with a deleted passkey: ${JSON.stringify(res)}`);
    assert.equal(res.error?.status, 401, JSON.stringify(res.error));
    assert.equal(res.error?.code, "PASSKEY_NOT_FOUND", JSON.stringify(res.error));
    assert.equal(assertData(await client(() => authClient.getSession()), "getSession"), null);
  });
});
