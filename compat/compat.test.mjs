// Wire-compatibility tests: better-auth's official JS client (pinned in package.json) talking to a
// running beep-iam server. Run with `node --test compat/compat.test.mjs` and BEEP_IAM_URL set, or
// let compat/run.sh start a server for you. Reference: better-auth-api.md, sections 1-3 and 8.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createAuthClient } from "better-auth/client";
import { getCookieCache } from "better-auth/cookies";
import { adminClient, jwtClient, organizationClient, twoFactorClient } from "better-auth/client/plugins";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { apiKeyClient } from "@better-auth/api-key/client";
import { oauthDeviceAuthorizationClient, oauthProviderClient } from "@better-auth/oauth-provider/client";

const BASE_URL = process.env.BEEP_IAM_URL;
if (!BASE_URL) {
  throw new Error("BEEP_IAM_URL is not set (for example http://127.0.0.1:4123); see compat/README.md");
}
// A browser on the same origin sends this header on every POST. better-auth's login-CSRF check
// requires a trusted Origin on sign-in/sign-up when Sec-Fetch-* headers are present, and Node's
// fetch always sends `sec-fetch-mode: cors`, so we send the origin a same-site browser would.
const ORIGIN = new URL(BASE_URL).origin;
// Optional: when the test knows the server's secret it also checks the token signature.
const SECRET = process.env.BETTER_AUTH_SECRET;
// Where the SMTP sink (scripts/smtp_sink.py) writes each received mail as JSON; compat/run.sh
// sets it. Without it the mail tests are skipped.
const MAIL_DIR = process.env.BEEP_IAM_MAIL_DIR;
// An admin that compat/run.sh made with `beep-iam user create --role admin`; without it the
// admin tests that need one are skipped.
const ADMIN_EMAIL = process.env.BEEP_IAM_ADMIN_EMAIL;
const ADMIN_PASSWORD = process.env.BEEP_IAM_ADMIN_PASSWORD;

const TIMEOUT = { timeout: 15_000 };

// ---------------------------------------------------------------------------------------------
// Helpers

const randomSuffix = () => randomBytes(6).toString("hex");
const uniqueEmail = (label) => `compat-${label}-${randomSuffix()}@example.com`;
const strongPassword = () => `Correct-Horse-${randomSuffix()}-Battery`;

/**
 * One simulated device: a better-auth client with its own bearer-token store. The server's
 * `set-auth-token` response header replaces the stored token; every request sends it back as
 * `Authorization: Bearer <token>`. `plugins` are better-auth client plugins (see orgPlugins).
 */
function device(plugins = []) {
  const dev = {
    token: null, // signed token last received in set-auth-token ("<token>.<signature>")
    lastSetAuthToken: null, // set-auth-token header of the most recent response (or null)
    client: null,
  };
  dev.client = createAuthClient({
    baseURL: BASE_URL,
    plugins,
    fetchOptions: {
      headers: { origin: ORIGIN },
      auth: { type: "Bearer", token: () => dev.token ?? undefined },
      onResponse(ctx) {
        dev.lastSetAuthToken = ctx.response.headers.get("set-auth-token");
      },
      onSuccess(ctx) {
        const header = ctx.response.headers.get("set-auth-token");
        if (header) dev.token = header;
      },
    },
  });
  return dev;
}

/**
 * One simulated browser: a better-auth client whose fetch keeps a cookie jar, as a browser
 * does (no bearer token). `follow(url)` opens a link in the same browser, e.g. one from a mail.
 */
function browser(plugins = []) {
  const jar = new Map(); // the server's cookies
  const foreign = new Map(); // origin → cookies of other sites (a social provider)
  const jarOf = (url) => {
    const origin = new URL(url, BASE_URL).origin;
    if (origin === ORIGIN) return jar;
    if (!foreign.has(origin)) foreign.set(origin, new Map());
    return foreign.get(origin);
  };
  const remember = (url, response) => {
    const cookies = jarOf(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const jarFetch = async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const cookies = jarOf(url);
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(input, { ...init, headers, redirect: "manual" });
    remember(url, response);
    return response;
  };
  const client = createAuthClient({
    baseURL: BASE_URL,
    plugins,
    fetchOptions: { headers: { origin: ORIGIN }, customFetchImpl: jarFetch },
  });
  return { client, jar, follow: (url) => jarFetch(url) };
}

/** Fails with the server's error when a call did not succeed; returns `data` otherwise. */
function ok(result, what) {
  if (result.error) {
    assert.fail(`${what} failed: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

/** Asserts a call failed with the given HTTP status and better-auth error code. */
function assertError(result, status, code, what) {
  assert.equal(result.data, null, `${what}: expected no data, got ${JSON.stringify(result.data)}`);
  assert.ok(result.error, `${what}: expected an error, the call succeeded`);
  assert.equal(result.error.status, status, `${what}: status (error ${JSON.stringify(result.error)})`);
  assert.equal(result.error.code, code, `${what}: code (error ${JSON.stringify(result.error)})`);
}

/** Signs a brand-new user up on a new device; returns the device, credentials and response. */
async function newUser(label, overrides = {}) {
  const dev = device();
  const creds = {
    name: `Ada ${randomSuffix()}`,
    email: uniqueEmail(label),
    password: strongPassword(),
    ...overrides,
  };
  const data = ok(await dev.client.signUp.email(creds), "sign-up");
  return { dev, creds, signUp: data };
}

/** Signs an existing user in on a fresh device. */
async function signInOnNewDevice(creds) {
  const dev = device();
  const data = ok(
    await dev.client.signIn.email({ email: creds.email, password: creds.password }),
    "sign-in",
  );
  return { dev, signIn: data };
}

/** Waits until the SMTP sink has received `count` mails for `to`; returns them, oldest first. */
async function mailsTo(to, count) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = readdirSync(MAIL_DIR)
      .filter((name) => name.endsWith(".json"))
      .map((name) => JSON.parse(readFileSync(join(MAIL_DIR, name), "utf8")))
      .filter((mail) => mail.rcpt_tos.includes(to))
      .sort((a, b) => a.received_at - b.received_at);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first http(s) link of a mail's plain-text part. */
function linkIn(mail) {
  const match = mail.text.match(/https?:\/\/\S+/);
  assert.ok(match, `no link in mail ${mail.subject}`);
  return match[0];
}

async function getSession(dev) {
  return ok(await dev.client.getSession(), "get-session");
}

// ---------------------------------------------------------------------------------------------
// Basics

test("the health endpoint /ok answers {ok:true}", TIMEOUT, async () => {
  const data = ok(await device().client.ok(), "GET /ok");
  assert.deepEqual(data, { ok: true });
});

// ---------------------------------------------------------------------------------------------
// Sign-up

test("sign-up with email and password returns {token, user} and a set-auth-token header", TIMEOUT, async () => {
  const dev = device();
  const name = `Ada ${randomSuffix()}`;
  const email = `Compat.SignUp.${randomSuffix()}@Example.COM`;
  const res = await dev.client.signUp.email({ name, email, password: strongPassword() });
  const data = ok(res, "sign-up");

  // beep-iam's JSON `token` is the session's public handle, never the cookie secret
  // (ARCHITECTURE.md, "Secrets at rest"); the secret travels only in set-auth-token.
  assert.match(data.token, /^sess_/, "the body token is the session's public handle");
  const { user } = data;
  assert.equal(user.email, email.toLowerCase(), "email is stored lower-cased");
  assert.equal(user.name, name);
  assert.equal(user.emailVerified, false);
  assert.match(user.id, /^user_/, "user ids start with user_");
  assert.ok(user.createdAt instanceof Date, "createdAt is an ISO date string (client turns it into a Date)");
  assert.ok(user.updatedAt instanceof Date, "updatedAt is an ISO date string (client turns it into a Date)");

  const header = dev.lastSetAuthToken;
  assert.ok(header, "the response carries set-auth-token");
  const dot = header.lastIndexOf(".");
  const secretToken = header.slice(0, dot);
  assert.match(secretToken, /^[A-Za-z0-9]{32}$/, "set-auth-token is <32-char token>.<signature>");
  assert.notEqual(secretToken, data.token, "the secret token is not the public handle");
  assert.match(header.slice(dot + 1), /^[A-Za-z0-9+/]{43}=$/, "the signature is padded standard base64 (44 chars)");
  if (SECRET) {
    const expected = createHmac("sha256", SECRET).update(secretToken).digest("base64");
    assert.equal(header.slice(dot + 1), expected, "the signature is HMAC-SHA256(secret, token)");
  }
});

test("signing up twice with the same email is refused with 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", TIMEOUT, async () => {
  const { creds } = await newUser("dup");
  const again = await device().client.signUp.email({ ...creds, password: strongPassword() });
  assertError(again, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "duplicate sign-up");
});

test("sign-up with a 7-character password is refused with 400 PASSWORD_TOO_SHORT", TIMEOUT, async () => {
  const res = await device().client.signUp.email({
    name: "Short Password",
    email: uniqueEmail("short"),
    password: "Xy7-kq!",
  });
  assertError(res, 400, "PASSWORD_TOO_SHORT", "sign-up with a 7-char password");
});

test("sign-up with a 129-character password is refused with 400 PASSWORD_TOO_LONG", TIMEOUT, async () => {
  const res = await device().client.signUp.email({
    name: "Long Password",
    email: uniqueEmail("long"),
    password: `Correct-Horse-${randomBytes(64).toString("hex")}`.slice(0, 129),
  });
  assertError(res, 400, "PASSWORD_TOO_LONG", "sign-up with a 129-char password");
});

test("sign-up with a malformed email is refused with 400 VALIDATION_ERROR", TIMEOUT, async () => {
  const res = await device().client.signUp.email({
    name: "Bad Email",
    email: `not-an-email-${randomSuffix()}`,
    password: strongPassword(),
  });
  assertError(res, 400, "VALIDATION_ERROR", "sign-up with a malformed email");
});

// ---------------------------------------------------------------------------------------------
// Sign-in

test("sign-in with a wrong password is refused with 401 INVALID_EMAIL_OR_PASSWORD", TIMEOUT, async () => {
  const { creds } = await newUser("wrongpw");
  const res = await device().client.signIn.email({ email: creds.email, password: strongPassword() });
  assertError(res, 401, "INVALID_EMAIL_OR_PASSWORD", "sign-in with a wrong password");
});

test("sign-in with an unknown email gets the same 401 INVALID_EMAIL_OR_PASSWORD", TIMEOUT, async () => {
  const res = await device().client.signIn.email({ email: uniqueEmail("nobody"), password: strongPassword() });
  assertError(res, 401, "INVALID_EMAIL_OR_PASSWORD", "sign-in with an unknown email");
});

test("sign-in with the right password returns {redirect:false, token, user}", TIMEOUT, async () => {
  const { creds, signUp } = await newUser("signin");
  const { dev, signIn } = await signInOnNewDevice(creds);

  assert.equal(signIn.redirect, false);
  assert.match(signIn.token, /^sess_/, "the body token is the session's public handle");
  assert.notEqual(signIn.token, signUp.token, "each sign-in opens a new session");
  assert.equal(signIn.user.id, signUp.user.id);
  assert.equal(signIn.user.email, creds.email);
  assert.ok(signIn.user.createdAt instanceof Date);
  assert.ok(dev.token && !dev.token.startsWith(`${signIn.token}.`), "set-auth-token carries the secret, not the handle");
  assert.ok(await getSession(dev), "the set-auth-token value authenticates");
});

test("the token in the sign-in body is a public handle: no bearer, but revoke-session takes it", TIMEOUT, async () => {
  // Deliberate difference from better-auth: a leaked response body or session list must not hand
  // anyone a usable session (ARCHITECTURE.md). The handle still names the session for revocation.
  const { dev: laptop, creds } = await newUser("body-token");
  const { dev: phone, signIn } = await signInOnNewDevice(creds);
  const app = device();
  app.token = signIn.token;
  assert.equal(await getSession(app), null, "the handle does not authenticate as a bearer token");
  ok(await laptop.client.revokeSession({ token: signIn.token }), "revoke-session by handle");
  assert.equal(await getSession(phone), null, "the session named by the handle is gone");
});

// ---------------------------------------------------------------------------------------------
// Sessions

test("get-session returns {session, user} with the personal organization as active context", TIMEOUT, async () => {
  const { dev, creds, signUp } = await newUser("session");
  const data = await getSession(dev);
  assert.ok(data, "get-session with a valid token is not null");
  const { session, user } = data;

  assert.match(user.id, /^user_/);
  assert.equal(user.id, signUp.user.id);
  assert.equal(user.email, creds.email);
  assert.equal(user.name, creds.name);
  assert.match(session.id, /^sess_/, "session ids start with sess_");
  assert.equal(session.userId, user.id);
  assert.equal(session.token, signUp.token, "the session object includes the raw token");
  assert.ok(session.expiresAt instanceof Date && session.expiresAt > new Date(), "expiresAt is a future date");
  assert.ok(session.createdAt instanceof Date);

  const orgId = session.activeOrganizationId;
  assert.equal(typeof orgId, "string");
  assert.match(orgId, /^org_/);
  assert.equal(typeof session.organizationContext, "object");
  assert.ok(session.organizationContext !== null, "organizationContext is an object");
  const org = session.organizationContext[orgId];
  assert.ok(org, `organizationContext has an entry for ${orgId}: ${JSON.stringify(session.organizationContext)}`);
  const expected = {
    name: `${creds.name}'s Organization`,
    type: "individual",
    role: "owner",
    isPersonal: true,
    subscriptionTier: "free",
  };
  for (const [key, value] of Object.entries(expected)) {
    assert.equal(org[key], value, `organizationContext[${orgId}].${key}`);
  }
});

test("get-session without a token answers null (no error)", TIMEOUT, async () => {
  const res = await device().client.getSession();
  assert.equal(res.error, null);
  assert.equal(res.data, null);
});

test("get-session with a tampered token signature answers null", TIMEOUT, async () => {
  const { dev } = await newUser("tamper");
  const token = dev.token.slice(0, dev.token.lastIndexOf("."));
  const forged = device();
  forged.token = `${token}.${createHmac("sha256", "not-the-secret").update(token).digest("base64")}`;
  const res = await forged.client.getSession();
  assert.equal(res.error, null);
  assert.equal(res.data, null);
});

test("list-sessions shows one session per device, each with token, id, userId and expiresAt", TIMEOUT, async () => {
  const { dev: laptop, creds, signUp } = await newUser("list");
  const { signIn } = await signInOnNewDevice(creds);

  const sessions = ok(await laptop.client.listSessions(), "list-sessions");
  assert.ok(Array.isArray(sessions), "list-sessions returns an array");
  assert.equal(sessions.length, 2);
  for (const s of sessions) {
    assert.match(s.id, /^sess_/);
    assert.equal(s.userId, signUp.user.id);
    assert.equal(typeof s.token, "string");
    assert.ok(s.expiresAt instanceof Date);
  }
  assert.deepEqual(new Set(sessions.map((s) => s.token)), new Set([signUp.token, signIn.token]));
});

test("revoke-other-sessions keeps only the current session", TIMEOUT, async () => {
  const { dev: laptop, creds, signUp } = await newUser("revoke-others");
  const { dev: phone } = await signInOnNewDevice(creds);

  const res = ok(await laptop.client.revokeOtherSessions(), "revoke-other-sessions");
  assert.deepEqual(res, { status: true });

  const sessions = ok(await laptop.client.listSessions(), "list-sessions");
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].token, signUp.token);
  assert.equal(await getSession(phone), null, "the other device is signed out");
  assert.ok(await getSession(laptop), "the current device is still signed in");
});

test("revoke-session with another session's token ends that session only", TIMEOUT, async () => {
  const { dev: laptop, creds, signUp } = await newUser("revoke-one");
  const { dev: phone } = await signInOnNewDevice(creds);

  const sessions = ok(await laptop.client.listSessions(), "list-sessions");
  const other = sessions.find((s) => s.token !== signUp.token);
  assert.ok(other, "list-sessions shows the phone's session");

  const res = ok(await laptop.client.revokeSession({ token: other.token }), "revoke-session");
  assert.deepEqual(res, { status: true });
  assert.equal(await getSession(phone), null, "the revoked device is signed out");
  assert.ok(await getSession(laptop), "the current device is still signed in");
});

test("sign-out returns {success:true} and the token no longer has a session", TIMEOUT, async () => {
  const { dev } = await newUser("signout");
  const res = ok(await dev.client.signOut(), "sign-out");
  assert.deepEqual(res, { success: true });
  assert.equal(await getSession(dev), null, "get-session with the signed-out token is null");
});

// ---------------------------------------------------------------------------------------------
// Profile and password

test("update-user {name} returns {status:true} and get-session shows the new name", TIMEOUT, async () => {
  const { dev } = await newUser("rename");
  const name = `Grace ${randomSuffix()}`;
  const res = ok(await dev.client.updateUser({ name }), "update-user");
  assert.deepEqual(res, { status: true });
  const data = await getSession(dev);
  assert.equal(data.user.name, name);
});

test("update-user re-issues the session token in set-auth-token", TIMEOUT, async () => {
  const { dev } = await newUser("rename-token");
  const before = dev.token;
  ok(await dev.client.updateUser({ name: `Grace ${randomSuffix()}` }), "update-user");
  assert.ok(dev.lastSetAuthToken, "update-user responds with set-auth-token");
  assert.equal(dev.lastSetAuthToken, before, "it is the same session token, re-signed");
});

test("update-user with an email is refused with 400 EMAIL_CAN_NOT_BE_UPDATED", TIMEOUT, async () => {
  const { dev } = await newUser("email-change");
  const res = await dev.client.updateUser({ email: uniqueEmail("other") });
  assertError(res, 400, "EMAIL_CAN_NOT_BE_UPDATED", "update-user with email");
});

test("change-password with a wrong current password is refused with 400 INVALID_PASSWORD", TIMEOUT, async () => {
  const { dev } = await newUser("chpw-wrong");
  const res = await dev.client.changePassword({
    currentPassword: strongPassword(),
    newPassword: strongPassword(),
  });
  assertError(res, 400, "INVALID_PASSWORD", "change-password with a wrong current password");
});

test("change-password with revokeOtherSessions returns a new token and ends every other session", TIMEOUT, async () => {
  const { dev: laptop, creds, signUp } = await newUser("chpw");
  const { dev: phone } = await signInOnNewDevice(creds);
  const oldLaptopToken = laptop.token;

  const data = ok(
    await laptop.client.changePassword({
      currentPassword: creds.password,
      newPassword: strongPassword(),
      revokeOtherSessions: true,
    }),
    "change-password",
  );
  assert.match(data.token, /^sess_/, "the new session's handle is returned");
  assert.notEqual(data.token, signUp.token);
  assert.equal(data.user.id, signUp.user.id);
  assert.notEqual(laptop.token, oldLaptopToken, "set-auth-token carries the new session's secret");

  assert.ok(await getSession(laptop), "the new session works");
  assert.equal(await getSession(phone), null, "the other device's session is gone");
  const stale = device();
  stale.token = oldLaptopToken;
  assert.equal(await getSession(stale), null, "the session that changed the password was replaced too");
});

test("after change-password the old password is refused and the new one signs in", TIMEOUT, async () => {
  const { dev, creds } = await newUser("chpw-signin");
  const newPassword = strongPassword();
  ok(
    await dev.client.changePassword({ currentPassword: creds.password, newPassword, revokeOtherSessions: true }),
    "change-password",
  );

  const withOld = await device().client.signIn.email({ email: creds.email, password: creds.password });
  assertError(withOld, 401, "INVALID_EMAIL_OR_PASSWORD", "sign-in with the old password");
  const withNew = await device().client.signIn.email({ email: creds.email, password: newPassword });
  const data = ok(withNew, "sign-in with the new password");
  assert.equal(typeof data.token, "string");
});

// ---------------------------------------------------------------------------------------------
// Cookie cache

test("better-auth's own getCookieCache reads the session_data cookie the server sets", TIMEOUT, async (t) => {
  if (!SECRET) return t.skip("needs BETTER_AUTH_SECRET to verify the cache signature");
  const { creds } = await newUser("cookie-cache");
  const reply = await fetch(`${BASE_URL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email: creds.email, password: creds.password }),
  });
  assert.equal(reply.status, 200);
  const cacheCookie = reply.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .find((pair) => pair.startsWith("better-auth.session_data="));
  assert.ok(cacheCookie, "sign-in sets better-auth.session_data");

  const payload = await getCookieCache(new Headers({ cookie: cacheCookie }), { secret: SECRET, isSecure: false });
  assert.ok(payload, "getCookieCache accepts the server's signature");
  assert.equal(payload.user.email, creds.email);
  assert.match(payload.session.id, /^sess_/);

  const tampered = cacheCookie.slice(0, -2) + (cacheCookie.endsWith("AA") ? "BB" : "AA");
  assert.equal(await getCookieCache(new Headers({ cookie: tampered }), { secret: SECRET, isSecure: false }), null);
  const otherSecret = await getCookieCache(new Headers({ cookie: cacheCookie }), { secret: `${SECRET}-other`, isSecure: false });
  assert.equal(otherSecret, null, "a different secret does not verify");
});

// ---------------------------------------------------------------------------------------------
// Mail: verification and password reset, through a real SMTP server

const MAIL = { ...TIMEOUT, skip: MAIL_DIR ? false : "BEEP_IAM_MAIL_DIR is not set" };

test("sign-up mails a verification link; verifyEmail with its token makes emailVerified true", MAIL, async () => {
  const { dev, creds } = await newUser("verify");
  assert.equal((await getSession(dev)).user.emailVerified, false);

  const [mail] = await mailsTo(creds.email, 1);
  const link = new URL(linkIn(mail));
  assert.equal(link.pathname, "/api/auth/verify-email");
  const token = link.searchParams.get("token");
  const verified = ok(await device().client.verifyEmail({ query: { token } }), "verify-email");
  assert.deepEqual(verified, { status: true, user: null });

  const session = ok(await dev.client.getSession({ query: { disableCookieCache: true } }), "get-session");
  assert.equal(session.user.emailVerified, true);
  const again = await device().client.verifyEmail({ query: { token } });
  assertError(again, 401, "INVALID_TOKEN", "a second use of the link");
});

test("a browser that follows the verification link sees emailVerified:true in its next getSession", MAIL, async () => {
  const web = browser();
  const creds = { name: `Ada ${randomSuffix()}`, email: uniqueEmail("browser-verify"), password: strongPassword() };
  ok(await web.client.signUp.email(creds), "sign-up");
  assert.ok(web.jar.has("better-auth.session_data"), "the cookie cache is on, as by default");
  assert.equal((await getSession(web)).user.emailVerified, false);

  const [mail] = await mailsTo(creds.email, 1);
  const followed = await web.follow(linkIn(mail));
  assert.equal(followed.status, 200);

  const session = await getSession(web);
  assert.equal(session.user.emailVerified, true, "no stale cookie cache hides the verification");
});

test("sendVerificationEmail answers {status:true} and mails a fresh link", MAIL, async () => {
  const { dev, creds } = await newUser("resend");
  await mailsTo(creds.email, 1);

  const sent = ok(await dev.client.sendVerificationEmail({ email: creds.email }), "send-verification-email");
  assert.deepEqual(sent, { status: true });
  const mails = await mailsTo(creds.email, 2);
  assert.equal(mails.length, 2);
});

test("requestPasswordReset, then resetPassword: the new password signs in, the old one fails", MAIL, async () => {
  const { creds } = await newUser("reset");
  const client = device().client;
  const asked = ok(
    await client.requestPasswordReset({ email: creds.email, redirectTo: "/reset" }),
    "request-password-reset",
  );
  assert.equal(asked.status, true);

  const mails = await mailsTo(creds.email, 2);
  const link = linkIn(mails.find((m) => m.text.includes("/reset-password/")));
  const opened = await fetch(link, { redirect: "manual" });
  assert.equal(opened.status, 302);
  const landing = new URL(opened.headers.get("location"));
  assert.equal(landing.pathname, "/reset");
  const token = landing.searchParams.get("token");
  const newPassword = strongPassword();
  ok(await client.resetPassword({ newPassword, token }), "reset-password");

  const withOld = await device().client.signIn.email({ email: creds.email, password: creds.password });
  assertError(withOld, 401, "INVALID_EMAIL_OR_PASSWORD", "sign-in with the old password");
  ok(await device().client.signIn.email({ email: creds.email, password: newPassword }), "sign-in with the new one");
  const reused = await client.resetPassword({ newPassword: strongPassword(), token });
  assertError(reused, 400, "INVALID_TOKEN", "a second reset with the same token");
});

test("requestPasswordReset for an unknown address answers exactly as for a known one", MAIL, async () => {
  const client = device().client;
  const { creds } = await newUser("known");
  const known = ok(await client.requestPasswordReset({ email: creds.email }), "known");
  const unknown = ok(await client.requestPasswordReset({ email: uniqueEmail("nobody") }), "unknown");
  assert.deepEqual(unknown, known);
});

// ---------------------------------------------------------------------------------------------
// Organizations, through better-auth's organizationClient (teams enabled)

/** Client plugins for the organization tests: better-auth's own organization client. */
const orgPlugins = () => [organizationClient({ teams: { enabled: true } })];

/** A new user on a bearer-token device whose client has the organization plugin. */
async function newOrgUser(label) {
  const dev = device(orgPlugins());
  const creds = { name: `Ada ${randomSuffix()}`, email: uniqueEmail(label), password: strongPassword() };
  const signUp = ok(await dev.client.signUp.email(creds), "sign-up");
  return { dev, client: dev.client, creds, user: signUp.user };
}

/** A new user in a cookie-jar browser whose client has the organization plugin. */
async function newOrgBrowserUser(label) {
  const web = browser(orgPlugins());
  const creds = { name: `Grace ${randomSuffix()}`, email: uniqueEmail(label), password: strongPassword() };
  const signUp = ok(await web.client.signUp.email(creds), "sign-up");
  assert.ok(web.jar.has("better-auth.session_data"), "the cookie cache is on, as by default");
  return { dev: web, web, client: web.client, creds, user: signUp.user };
}

/** Waits until a mail to `to` satisfies `predicate`; returns it. */
async function mailMatching(to, predicate, what) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await mailsTo(to, 1)).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) assert.fail(`no ${what} mail to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Verifies a new user's address with the link of the verification mail sent at sign-up. */
async function verifyByMail(who) {
  const mail = await mailMatching(who.creds.email, (m) => m.text.includes("/verify-email"), "verification");
  const link = linkIn(mail);
  const opened = who.web ? await who.web.follow(link) : await fetch(link, { redirect: "manual" });
  assert.ok(opened.status < 400, `opening the verification link answered ${opened.status}`);
  const session = ok(await who.client.getSession({ query: { disableCookieCache: true } }), "get-session");
  assert.equal(session.user.emailVerified, true, "the address is verified");
}

/** The invitation mail to `email`; returns the mail and the invitation id from its link. */
async function invitationMail(email) {
  const mail = await mailMatching(email, (m) => m.text.includes("/accept-invitation/"), "invitation");
  const link = new URL(linkIn(mail));
  const match = link.pathname.match(/\/accept-invitation\/([^/]+)$/);
  assert.ok(match, `the invitation link ${link} ends in /accept-invitation/<id>`);
  return { mail, link, invitationId: decodeURIComponent(match[1]) };
}

/** The session the browser's session_data cookie (the cookie cache) holds, when SECRET is known. */
async function cachedSession(web) {
  const value = web.jar.get("better-auth.session_data");
  if (!SECRET || !value) return null;
  const payload = await getCookieCache(new Headers({ cookie: `better-auth.session_data=${value}` }), {
    secret: SECRET,
    isSecure: false,
  });
  return payload?.session ?? null;
}

/** Creates an organization with a random slug; returns the create answer. */
async function createOrg(client, extra = {}) {
  const suffix = randomSuffix();
  return ok(
    await client.organization.create({ name: `Acme ${suffix}`, slug: `acme-${suffix}`, ...extra }),
    "organization/create",
  );
}

/**
 * An owner (bearer device) with a new organization, and a second user (cookie-jar browser)
 * who verified their address, was invited by mail and accepted through the mailed link's id.
 */
async function orgWithInvitedMember(label) {
  const owner = await newOrgUser(`${label}-owner`);
  const org = await createOrg(owner.client);
  const invitee = await newOrgBrowserUser(`${label}-invitee`);
  await verifyByMail(invitee);
  const invitation = ok(
    await owner.client.organization.inviteMember({ email: invitee.creds.email, role: "member" }),
    "invite-member",
  );
  const { mail, invitationId } = await invitationMail(invitee.creds.email);
  const details = ok(await invitee.client.organization.getInvitation({ query: { id: invitationId } }), "get-invitation");
  const accepted = ok(await invitee.client.organization.acceptInvitation({ invitationId }), "accept-invitation");
  return { owner, org, invitee, invitation, mail, invitationId, details, accepted };
}


test("organization/create answers the organization, its metadata object and the owner membership", TIMEOUT, async () => {
  const { dev, client, user, creds } = await newOrgUser("org-create");
  const before = await getSession(dev);
  const personalId = before.session.activeOrganizationId;
  const suffix = randomSuffix();
  const name = `Acme ${suffix}`;
  const slug = `acme-${suffix}`;
  const org = ok(await client.organization.create({ name, slug, metadata: { plan: "pro", seats: 3 } }), "create");
  assert.ok(dev.lastSetAuthToken, "create changed the session, so it re-issues set-auth-token");

  assert.match(org.id, /^org_/);
  assert.equal(org.name, name);
  assert.equal(org.slug, slug);
  assert.deepEqual(org.metadata, { plan: "pro", seats: 3 }, "create answers metadata as an object");
  assert.ok(org.createdAt instanceof Date, "createdAt is an ISO date");
  assert.ok(Array.isArray(org.members) && org.members.length === 1, `one member: ${JSON.stringify(org.members)}`);
  const [member] = org.members;
  assert.equal(member.role, "owner");
  assert.equal(member.userId, user.id);
  assert.equal(member.organizationId, org.id);
  assert.match(member.id, /^mem_/);

  // The session now has the new organization (and its default team) active.
  const { session } = await getSession(dev);
  assert.equal(session.activeOrganizationId, org.id);
  const teams = ok(await client.organization.listTeams(), "list-teams");
  assert.equal(teams.length, 1, `one default team: ${JSON.stringify(teams)}`);
  assert.equal(session.activeTeamId, teams[0].id, "the default team is the active team");
  const ctx = session.organizationContext;
  assert.equal(ctx[org.id]?.role, "owner", `organizationContext: ${JSON.stringify(ctx)}`);
  assert.equal(ctx[org.id].name, name);
  assert.equal(ctx[org.id].isPersonal, false);
  assert.equal(ctx[personalId]?.name, `${creds.name}'s Organization`, "the personal organization stays in the context");
});

test("create with keepCurrentActiveOrganization leaves the active organization alone", TIMEOUT, async () => {
  const { dev, client } = await newOrgUser("org-keep");
  const personalId = (await getSession(dev)).session.activeOrganizationId;
  const org = await createOrg(client, { keepCurrentActiveOrganization: true });
  const { session } = await getSession(dev);
  assert.equal(session.activeOrganizationId, personalId);
  assert.equal(session.organizationContext[org.id]?.role, "owner", "the new one is in the context all the same");
});

test("checkSlug: a free slug answers {status:true}, a taken one 400 ORGANIZATION_SLUG_ALREADY_TAKEN", TIMEOUT, async () => {
  const { client } = await newOrgUser("org-slug");
  const free = `free-${randomSuffix()}`;
  assert.deepEqual(ok(await client.organization.checkSlug({ slug: free }), "check-slug (free)"), { status: true });

  const org = await createOrg(client);
  const taken = await client.organization.checkSlug({ slug: org.slug });
  assertError(taken, 400, "ORGANIZATION_SLUG_ALREADY_TAKEN", "check-slug (taken)");

  const other = await newOrgUser("org-slug-other");
  const again = await other.client.organization.create({ name: "Copycat", slug: org.slug });
  assertError(again, 400, "ORGANIZATION_ALREADY_EXISTS", "create with a taken slug");
});

test("a browser lists its organizations, sets one active and reads it back in get-session and getFullOrganization", TIMEOUT, async () => {
  const { client, web, user, creds } = await newOrgBrowserUser("org-browser");
  const personalId = (await getSession(web)).session.activeOrganizationId;
  const org = await createOrg(client);
  assert.equal((await getSession(web)).session.activeOrganizationId, org.id, "create switched the cookie session");

  const list = ok(await client.organization.list(), "organization/list");
  assert.ok(Array.isArray(list), "list answers an array");
  assert.deepEqual(new Set(list.map((o) => o.id)), new Set([personalId, org.id]));
  const listed = list.find((o) => o.id === org.id);
  assert.equal(listed.name, org.name);
  assert.equal(listed.slug, org.slug);

  const cookieBefore = web.jar.get("better-auth.session_data");
  const active = ok(await client.organization.setActive({ organizationId: personalId }), "set-active (personal)");
  assert.notEqual(web.jar.get("better-auth.session_data"), cookieBefore, "set-active re-issues the cookie cache");
  if (SECRET) {
    assert.equal((await cachedSession(web))?.activeOrganizationId, personalId, "the new cookie cache has the new active organization");
  }
  assert.equal(active.id, personalId);
  assert.equal(active.name, `${creds.name}'s Organization`);
  let { session } = await getSession(web);
  assert.equal(session.activeOrganizationId, personalId, "set-active re-issued the session cookies (cache included)");

  ok(await client.organization.setActive({ organizationSlug: org.slug }), "set-active by slug");
  ({ session } = await getSession(web));
  assert.equal(session.activeOrganizationId, org.id);
  assert.equal(session.organizationContext[org.id]?.role, "owner");

  const full = ok(await client.organization.getFullOrganization(), "get-full-organization (active)");
  assert.equal(full.id, org.id);
  assert.equal(full.slug, org.slug);
  assert.equal(full.members.length, 1);
  const [member] = full.members;
  assert.equal(member.role, "owner");
  assert.equal(member.userId, user.id);
  assert.deepEqual(member.user, { id: user.id, name: creds.name, email: creds.email, image: null });
  assert.ok(Array.isArray(full.teams), "teams are included (teams enabled)");
  assert.equal(full.teams.length, 1, `the default team: ${JSON.stringify(full.teams)}`);
  assert.equal(full.teams[0].name, org.name, "the default team is named like the organization");
  assert.equal(full.teams[0].organizationId, org.id);
  assert.deepEqual(full.invitations, []);

  const byId = ok(
    await client.organization.getFullOrganization({ query: { organizationId: personalId } }),
    "get-full-organization (by id)",
  );
  assert.equal(byId.id, personalId);
});

test("invite by mail, verify, accept: the invitee joins, listMembers shows both", MAIL, async () => {
  const { owner, org, invitee, invitation, mail, invitationId, details, accepted } = await orgWithInvitedMember("org-invite");

  assert.match(invitation.id, /^inv_/);
  assert.equal(invitation.email, invitee.creds.email);
  assert.equal(invitation.role, "member");
  assert.equal(invitation.status, "pending");
  assert.equal(invitation.organizationId, org.id);
  assert.equal(invitation.inviterId, owner.user.id);
  assert.ok(invitation.expiresAt instanceof Date && invitation.expiresAt > new Date());
  assert.ok(mail.subject.includes(org.name), `the subject names the organization: ${mail.subject}`);
  assert.equal(invitationId, invitation.id, "the mailed link carries the invitation id");

  // What the invitee's accept page shows before accepting.
  assert.equal(details.id, invitation.id);
  assert.equal(details.status, "pending");
  assert.equal(details.organizationName, org.name);
  assert.equal(details.organizationSlug, org.slug);
  assert.equal(details.inviterEmail, owner.creds.email);

  assert.equal(accepted.invitation.id, invitation.id);
  assert.equal(accepted.invitation.status, "accepted");
  assert.equal(accepted.member.userId, invitee.user.id);
  assert.equal(accepted.member.organizationId, org.id);
  assert.equal(accepted.member.role, "member");

  // The invitee's own (cookie-cached) session switched to the organization.
  if (SECRET) {
    const cached = await cachedSession(invitee.web);
    assert.equal(cached?.activeOrganizationId, org.id, "accept-invitation re-issued the cookie cache");
    assert.equal(cached.organizationContext?.[org.id]?.role, "member", "the cookie cache has the new membership");
  }
  const { session } = await getSession(invitee.web);
  assert.equal(session.activeOrganizationId, org.id);
  const entry = session.organizationContext[org.id];
  assert.ok(entry, `organizationContext has the new organization: ${JSON.stringify(session.organizationContext)}`);
  assert.equal(entry.role, "member");
  assert.equal(entry.name, org.name);
  assert.equal(entry.isPersonal, false);

  const page = ok(await owner.client.organization.listMembers(), "list-members");
  assert.equal(page.total, 2);
  assert.equal(page.members.length, 2);
  const byUser = new Map(page.members.map((m) => [m.userId, m]));
  assert.equal(byUser.get(owner.user.id)?.role, "owner");
  assert.equal(byUser.get(invitee.user.id)?.role, "member");
  assert.equal(byUser.get(invitee.user.id).user.email, invitee.creds.email);

  const again = await invitee.client.organization.acceptInvitation({ invitationId });
  assertError(again, 400, "INVITATION_NOT_FOUND", "accepting the same invitation twice");
});

test("hasPermission: the owner may create members, a plain member may not (nor invite)", MAIL, async () => {
  const { owner, invitee } = await orgWithInvitedMember("org-perm");
  const check = { permissions: { member: ["create"] } };
  assert.deepEqual(ok(await owner.client.organization.hasPermission(check), "has-permission (owner)"), {
    error: null,
    success: true,
  });
  assert.deepEqual(ok(await invitee.client.organization.hasPermission(check), "has-permission (member)"), {
    error: null,
    success: false,
  });

  const invite = await invitee.client.organization.inviteMember({ email: uniqueEmail("nope"), role: "member" });
  assertError(invite, 403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION", "a member invites");
});

test("updateMemberRole to admin: the invitee's own session shows the new role", MAIL, async () => {
  const { owner, org, invitee, accepted } = await orgWithInvitedMember("org-role");
  assert.equal((await getSession(invitee.web)).session.organizationContext[org.id]?.role, "member");

  const updated = ok(
    await owner.client.organization.updateMemberRole({ memberId: accepted.member.id, role: "admin" }),
    "update-member-role",
  );
  // better-auth 1.7 answers the updated member itself (its OpenAPI text says {member}).
  assert.equal(updated.id, accepted.member.id);
  assert.equal(updated.role, "admin");

  // A change made by another user reaches the invitee's session, cookie cache and all.
  const { session } = await getSession(invitee.web);
  assert.equal(session.organizationContext[org.id]?.role, "admin", JSON.stringify(session.organizationContext));
  const perm = ok(
    await invitee.client.organization.hasPermission({ permissions: { member: ["create"] } }),
    "has-permission (admin)",
  );
  assert.equal(perm.success, true, "an admin may create members");
  const role = ok(await invitee.client.organization.getActiveMemberRole(), "get-active-member-role");
  assert.deepEqual(role, { role: "admin" });
  const active = ok(await invitee.client.organization.getActiveMember(), "get-active-member");
  assert.equal(active.id, accepted.member.id);
  assert.equal(active.role, "admin");
  assert.equal(active.user.email, invitee.creds.email);

  const both = ok(
    await owner.client.organization.updateMemberRole({ memberId: accepted.member.id, role: ["admin", "member"] }),
    "update-member-role (two roles)",
  );
  assert.equal(both.role, "admin,member", "several roles are joined by commas");
  const { session: after } = await getSession(invitee.web);
  assert.equal(after.organizationContext[org.id]?.role, "admin,member");
});

test("createTeam, addTeamMember with role admin, listTeams and listTeamMembers", MAIL, async () => {
  const { owner, org, invitee } = await orgWithInvitedMember("org-team");
  const name = `Core ${randomSuffix()}`;
  const team = ok(await owner.client.organization.createTeam({ name }), "create-team");
  assert.match(team.id, /^team_/);
  assert.equal(team.name, name);
  assert.equal(team.organizationId, org.id);
  assert.ok(team.createdAt instanceof Date);

  const added = ok(
    await owner.client.organization.addTeamMember({ teamId: team.id, userId: invitee.user.id, role: "admin" }),
    "add-team-member",
  );
  assert.equal(added.teamId, team.id);
  assert.equal(added.userId, invitee.user.id);
  assert.equal(added.role, "admin", "the team role given is kept (beep-iam extension)");

  const teams = ok(await owner.client.organization.listTeams(), "list-teams");
  assert.deepEqual(new Set(teams.map((t) => t.name)), new Set([org.name, name]), "the default team and the new one");

  // As in better-auth, only the team's own members may list it (createTeam does not add the
  // creator): the owner is refused, the invitee now sees themselves with their team role.
  const asOwner = await owner.client.organization.listTeamMembers({ query: { teamId: team.id } });
  assertError(asOwner, 400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM", "list-team-members by a non-member of the team");
  const members = ok(
    await invitee.client.organization.listTeamMembers({ query: { teamId: team.id } }),
    "list-team-members",
  );
  assert.deepEqual(
    members.map((m) => [m.userId, m.role]),
    [[invitee.user.id, "admin"]],
  );

  const mine = ok(await invitee.client.organization.listUserTeams(), "list-user-teams");
  assert.ok(mine.some((t) => t.id === team.id), `the invitee's teams include ${team.id}: ${JSON.stringify(mine)}`);
});

test("an invitee whose address is not verified cannot accept: 403 EMAIL_VERIFICATION_REQUIRED_…", MAIL, async () => {
  const owner = await newOrgUser("org-unverified-owner");
  await createOrg(owner.client);
  const invitee = await newOrgUser("org-unverified");
  ok(await owner.client.organization.inviteMember({ email: invitee.creds.email, role: "member" }), "invite-member");
  const { invitationId } = await invitationMail(invitee.creds.email);

  const peek = await invitee.client.organization.getInvitation({ query: { id: invitationId } });
  assertError(peek, 403, "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION", "get-invitation with an unverified address");
  const res = await invitee.client.organization.acceptInvitation({ invitationId });
  assertError(
    res,
    403,
    "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
    "accept with an unverified address",
  );
  const page = ok(await owner.client.organization.listMembers(), "list-members");
  assert.equal(page.total, 1, "nobody joined");

  await verifyByMail(invitee);
  ok(await invitee.client.organization.acceptInvitation({ invitationId }), "accept once verified");
});

test("someone other than the invitee cannot accept: 403 YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", MAIL, async () => {
  const owner = await newOrgUser("org-recipient-owner");
  const org = await createOrg(owner.client);
  const invitee = await newOrgUser("org-recipient");
  ok(await owner.client.organization.inviteMember({ email: invitee.creds.email, role: "member" }), "invite-member");
  const { invitationId } = await invitationMail(invitee.creds.email);

  const outsider = await newOrgBrowserUser("org-outsider");
  await verifyByMail(outsider);
  const res = await outsider.client.organization.acceptInvitation({ invitationId });
  assertError(res, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", "accept by a non-recipient");
  const peek = await outsider.client.organization.getInvitation({ query: { id: invitationId } });
  assertError(peek, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", "get-invitation by a non-recipient");
  const { session } = await getSession(outsider.web);
  assert.equal(session.organizationContext[org.id], undefined, "the outsider did not join");
  const page = ok(await owner.client.organization.listMembers(), "list-members");
  assert.equal(page.total, 1, "nobody joined");
});

test("leave: the only owner may not (400), a member may; removeMember ends a membership", MAIL, async () => {
  const { owner, org, invitee } = await orgWithInvitedMember("org-leave");
  const ownerLeaves = await owner.client.organization.leave({ organizationId: org.id });
  assertError(ownerLeaves, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER", "the only owner leaves");

  const left = ok(await invitee.client.organization.leave({ organizationId: org.id }), "leave (member)");
  assert.equal(left.userId, invitee.user.id);
  const { session } = await getSession(invitee.web);
  assert.equal(session.organizationContext[org.id], undefined, "the organization left the invitee's context");
  assert.notEqual(session.activeOrganizationId, org.id, "it is no longer active");
  assert.equal(ok(await owner.client.organization.listMembers(), "list-members").total, 1);

  // Invite a third user, then remove them by address.
  const third = await newOrgUser("org-leave-third");
  await verifyByMail(third);
  ok(await owner.client.organization.inviteMember({ email: third.creds.email, role: "member" }), "invite-member");
  const { invitationId } = await invitationMail(third.creds.email);
  ok(await third.client.organization.acceptInvitation({ invitationId }), "accept-invitation");
  const removed = ok(
    await owner.client.organization.removeMember({ memberIdOrEmail: third.creds.email }),
    "remove-member",
  );
  assert.equal(removed.member.userId, third.user.id);
  assert.equal(ok(await owner.client.organization.listMembers(), "list-members").total, 1);
  const thirdSession = await getSession(third.dev);
  assert.equal(thirdSession.session.organizationContext[org.id], undefined, "removal reaches the removed user's session");
});

// ---------------------------------------------------------------------------------------------
// Social sign-in, against a real OpenID provider (npm oidc-provider) configured as `idp`

// The provider's address; compat/run.sh starts it and sets this. Without it these are skipped.
const IDP = process.env.BEEP_IAM_IDP;
const SOCIAL = { ...TIMEOUT, skip: IDP ? false : "BEEP_IAM_IDP is not set" };

/** The provider's user for a `loginHint`: `sub;email;verified;name` (see scripts/oidc_idp). */
const idpUser = (sub, email) => `${sub};${email};1;Sam ${sub}`;

/**
 * Follows redirects from `url` in the browser, its cookies kept per site, until one leaves for
 * `stop` (a prefix): answers that address.
 */
async function followUntil(b, url, stop) {
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(stop)) return url;
    const response = await b.follow(url);
    const location = response.headers.get("location");
    assert.ok(location, `hop ${hop} to ${url} answered ${response.status} without a location`);
    url = new URL(location, url).href;
  }
  assert.fail(`more than 20 redirects before ${stop}`);
}

test("signIn.social answers the provider's URL; the redirect chain with its cookies ends signed in", SOCIAL, async () => {
  const b = browser();
  const email = uniqueEmail("social");

  const started = ok(
    await b.client.signIn.social({
      provider: "idp",
      callbackURL: "/dashboard",
      loginHint: idpUser(randomSuffix(), email),
    }),
    "sign-in-social",
  );

  assert.equal(started.redirect, true);
  assert.ok(started.url.startsWith(`${IDP}/`), `provider URL ${started.url}`);
  const url = new URL(started.url);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.ok(url.searchParams.get("state"));
  const landing = await followUntil(b, started.url, `${ORIGIN}/dashboard`);
  assert.equal(landing, `${ORIGIN}/dashboard`);
  const session = ok(await b.client.getSession(), "get-session");
  assert.equal(session.user.email, email);
  assert.equal(session.user.emailVerified, true);
  const accounts = ok(await b.client.listAccounts(), "list-accounts");
  assert.deepEqual(accounts.map((a) => a.providerId), ["idp"]);
});

test("a callback whose state this browser did not start lands on the error URL with state_mismatch", SOCIAL, async () => {
  const starter = browser();
  const started = ok(
    await starter.client.signIn.social({
      provider: "idp",
      callbackURL: "/dashboard",
      errorCallbackURL: "/oops",
      loginHint: idpUser(randomSuffix(), uniqueEmail("social-stolen")),
    }),
    "sign-in-social",
  );
  const callback = await followUntil(starter, started.url, `${ORIGIN}/api/auth/callback/idp`);

  const victim = browser();
  const response = await victim.follow(callback);

  assert.equal(response.status, 302);
  const landing = new URL(response.headers.get("location"), callback);
  assert.equal(landing.pathname, "/oops");
  assert.equal(landing.searchParams.get("error"), "state_mismatch");
  assert.equal(ok(await victim.client.getSession(), "get-session"), null);
});

test("signIn.social with an unknown provider is refused with 404 PROVIDER_NOT_FOUND", SOCIAL, async () => {
  const b = browser();
  const result = await b.client.signIn.social({ provider: "nope", callbackURL: "/" });
  assertError(result, 404, "PROVIDER_NOT_FOUND", "sign-in-social");
});

// ---------------------------------------------------------------------------------------------
// Two-factor, through better-auth's twoFactorClient

/** RFC 4648 base32 (no padding) to bytes. */
function base32Bytes(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s) of an `otpauth://` URI at `unixSeconds`. */
function totpAt(uri, unixSeconds) {
  const secret = base32Bytes(new URL(uri).searchParams.get("secret"));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const digest = createHmac("sha1", secret).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

test("twoFactorClient: enable, verifyTotp, then sign-in answers twoFactorRedirect and a code finishes it", TIMEOUT, async () => {
  const web = browser([twoFactorClient()]);
  const creds = { name: `Tess ${randomSuffix()}`, email: uniqueEmail("2fa"), password: strongPassword() };
  ok(await web.client.signUp.email(creds), "sign-up");

  const enabled = ok(await web.client.twoFactor.enable({ password: creds.password }), "two-factor enable");
  assert.equal(enabled.method, "totp");
  assert.equal(enabled.backupCodes.length, 10);
  const now = Date.now() / 1000;
  const confirmed = ok(await web.client.twoFactor.verifyTotp({ code: totpAt(enabled.totpURI, now) }), "verify-totp");
  assert.equal(confirmed.user.twoFactorEnabled, true);
  ok(await web.client.signOut(), "sign-out");

  let redirected = null;
  const next = browser([twoFactorClient({ onTwoFactorRedirect: (context) => { redirected = context; } })]);
  const first = ok(await next.client.signIn.email({ email: creds.email, password: creds.password }), "sign-in");
  assert.equal(first.twoFactorRedirect, true);
  assert.deepEqual(first.twoFactorMethods, ["totp", "otp"]);
  assert.deepEqual(redirected?.twoFactorMethods, ["totp", "otp"]);
  assert.equal(ok(await next.client.getSession(), "get-session"), null);
  // The code of the next step: the one used to confirm is good only once.
  const passed = ok(await next.client.twoFactor.verifyTotp({ code: totpAt(enabled.totpURI, now + 30) }), "verify-totp");
  assert.equal(passed.user.email, creds.email);
  const session = ok(await next.client.getSession(), "get-session");
  assert.equal(session.user.email, creds.email);
});

test("twoFactorClient: a backup code finishes a sign-in once; a wrong code is 401 INVALID_CODE", TIMEOUT, async () => {
  const web = browser([twoFactorClient()]);
  const creds = { name: `Bea ${randomSuffix()}`, email: uniqueEmail("2fa-backup"), password: strongPassword() };
  ok(await web.client.signUp.email(creds), "sign-up");
  const enabled = ok(await web.client.twoFactor.enable({ password: creds.password }), "two-factor enable");
  ok(await web.client.twoFactor.verifyTotp({ code: totpAt(enabled.totpURI, Date.now() / 1000) }), "verify-totp");

  const first = browser([twoFactorClient()]);
  ok(await first.client.signIn.email({ email: creds.email, password: creds.password }), "sign-in");
  assertError(await first.client.twoFactor.verifyTotp({ code: "000000" }), 401, "INVALID_CODE", "wrong code");
  ok(await first.client.twoFactor.verifyBackupCode({ code: enabled.backupCodes[0] }), "verify-backup-code");
  const second = browser([twoFactorClient()]);
  ok(await second.client.signIn.email({ email: creds.email, password: creds.password }), "sign-in");
  assertError(
    await second.client.twoFactor.verifyBackupCode({ code: enabled.backupCodes[0] }),
    401,
    "INVALID_BACKUP_CODE",
    "a used backup code",
  );
});

// ---------------------------------------------------------------------------------------------
// JWT (jwtClient; tokens verified with the `jose` library against the served key set)

test("jwtClient: /token verifies against jwks() with jose; get-session's set-auth-jwt too", TIMEOUT, async () => {
  const { dev, signUp } = await newUser("jwt");
  const jwt = device([jwtClient()]);
  jwt.token = dev.token;

  const { data: token, error } = await jwt.client.$fetch("/token", { method: "GET" });
  assert.equal(error, null, JSON.stringify(error));
  const keys = ok(await jwt.client.jwks(), "jwks");
  assert.ok(keys.keys.length >= 1, JSON.stringify(keys));
  const keySet = createLocalJWKSet(keys);
  const { payload, protectedHeader } = await jwtVerify(token.token, keySet, {
    issuer: ORIGIN,
    audience: ORIGIN,
    algorithms: ["EdDSA"],
  });
  assert.equal(protectedHeader.alg, "EdDSA");
  assert.ok(keys.keys.some((k) => k.kid === protectedHeader.kid), "the kid is in the set");
  assert.equal(payload.sub, signUp.user.id);
  assert.equal(payload.email, signUp.user.email);
  assert.equal(payload.exp - payload.iat, 15 * 60);

  let header = null;
  ok(
    await jwt.client.getSession({ fetchOptions: { onSuccess: (ctx) => { header = ctx.response.headers.get("set-auth-jwt"); } } }),
    "get-session",
  );
  assert.ok(header, "get-session answers set-auth-jwt");
  const fromSession = await jwtVerify(header, keySet, { issuer: ORIGIN, audience: ORIGIN });
  assert.equal(fromSession.payload.sub, signUp.user.id);
  assert.equal(decodeProtectedHeader(header).kid, protectedHeader.kid, "one signing key");
});

test("/token without a session is 401; a tampered token fails jose's check", TIMEOUT, async () => {
  const anonymous = device([jwtClient()]);
  const { error } = await anonymous.client.$fetch("/token", { method: "GET" });
  assert.equal(error?.status, 401, JSON.stringify(error));

  const { dev } = await newUser("jwt-tamper");
  const jwt = device([jwtClient()]);
  jwt.token = dev.token;
  const { data } = await jwt.client.$fetch("/token", { method: "GET" });
  const keySet = createLocalJWKSet(ok(await jwt.client.jwks(), "jwks"));
  const [head, body, signature] = data.token.split(".");
  const claims = JSON.parse(Buffer.from(body, "base64url").toString());
  const forged = [head, Buffer.from(JSON.stringify({ ...claims, sub: "user_admin" })).toString("base64url"), signature].join(".");
  await assert.rejects(jwtVerify(forged, keySet, { issuer: ORIGIN, audience: ORIGIN }), /signature verification failed/);
});

// ---------------------------------------------------------------------------------------------
// API keys (apiKeyClient from @better-auth/api-key; compat/run.sh sets API_KEY_SESSIONS=true)

test("apiKeyClient: create shows the key once, x-api-key opens the session, list and get omit it", TIMEOUT, async () => {
  const { dev, signUp } = await newUser("apikey");
  const keys = device([apiKeyClient()]);
  keys.token = dev.token;

  const created = ok(await keys.client.apiKey.create({ name: "ci", prefix: "ci_" }), "apiKey.create");
  assert.ok(created.key.startsWith("ci_"), created.key);
  assert.equal(created.key.length, 3 + 64);
  assert.equal(created.start, created.key.slice(0, 6));
  assert.equal(created.referenceId, signUp.user.id);

  const scripted = createAuthClient({ baseURL: BASE_URL, fetchOptions: { headers: { "x-api-key": created.key } } });
  const session = ok(await scripted.getSession(), "get-session with x-api-key");
  assert.equal(session.user.id, signUp.user.id);

  const listed = ok(await keys.client.apiKey.list(), "apiKey.list");
  assert.equal(listed.total, 1);
  assert.equal(listed.apiKeys[0].id, created.id);
  assert.equal(listed.apiKeys[0].key, undefined, "list never shows the key");
  const read = ok(await keys.client.apiKey.get({ query: { id: created.id } }), "apiKey.get");
  assert.equal(read.key, undefined, "get never shows the key");
  assert.equal(read.name, "ci");
  assert.equal(read.requestCount, 1, "the session use was counted");

  const updated = ok(await keys.client.apiKey.update({ keyId: created.id, name: "renamed" }), "apiKey.update");
  assert.equal(updated.name, "renamed");
  assert.deepEqual(ok(await keys.client.apiKey.delete({ keyId: created.id }), "apiKey.delete"), { success: true });
  assertError(await scripted.getSession(), 401, "INVALID_API_KEY", "a deleted key");
});

test("apiKeyClient: a bogus key is refused; server-only settings are refused", TIMEOUT, async () => {
  const bogus = createAuthClient({ baseURL: BASE_URL, fetchOptions: { headers: { "x-api-key": "z".repeat(64) } } });
  assertError(await bogus.getSession(), 401, "INVALID_API_KEY", "an unknown key");
  const short = createAuthClient({ baseURL: BASE_URL, fetchOptions: { headers: { "x-api-key": "short" } } });
  assertError(await short.getSession(), 403, "INVALID_API_KEY", "a key too short to be one");

  const { dev } = await newUser("apikey-limits");
  const keys = device([apiKeyClient()]);
  keys.token = dev.token;
  assertError(await keys.client.apiKey.create({ remaining: 1000 }), 400, "SERVER_ONLY_PROPERTY", "remaining from a client");
  assert.equal(ok(await keys.client.apiKey.list(), "apiKey.list").total, 0);
});

// ---------------------------------------------------------------------------------------------
// Admin (adminClient; compat/run.sh bootstraps the admin with `beep-iam user create --role admin`)

test("adminClient: list-users is refused for a non-admin; has-permission says no", TIMEOUT, async () => {
  const { dev } = await newUser("not-admin");
  const plain = device([adminClient()]);
  plain.token = dev.token;

  assertError(await plain.client.admin.listUsers({ query: {} }), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS", "list-users");
  const perm = ok(await plain.client.admin.hasPermission({ permissions: { user: ["list"] } }), "has-permission");
  assert.deepEqual(perm, { error: null, success: false });
  const anonymous = device([adminClient()]);
  const { error } = await anonymous.client.admin.listUsers({ query: {} });
  assert.equal(error?.status, 401, JSON.stringify(error));
});

test("adminClient: an admin finds, bans and unbans a user", { ...TIMEOUT, skip: !ADMIN_EMAIL && "no admin (BEEP_IAM_ADMIN_EMAIL)" }, async () => {
  const { dev: adminDev } = await signInOnNewDevice({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  const root = device([adminClient()]);
  root.token = adminDev.token;
  const { creds, signUp } = await newUser("banned");

  const found = ok(await root.client.admin.listUsers({ query: { searchValue: creds.email.toUpperCase(), limit: 5 } }), "list-users");
  assert.equal(found.total, 1);
  assert.equal(found.users[0].id, signUp.user.id);
  assert.equal(found.limit, 5);
  const banned = ok(await root.client.admin.banUser({ userId: signUp.user.id, banReason: "compat" }), "ban-user");
  assert.equal(banned.user.banned, true);
  assert.equal(banned.user.banReason, "compat");

  const refused = await device().client.signIn.email({ email: creds.email, password: creds.password });
  assertError(refused, 403, "BANNED_USER", "sign-in while banned");
  ok(await root.client.admin.unbanUser({ userId: signUp.user.id }), "unban-user");
  ok(await device().client.signIn.email({ email: creds.email, password: creds.password }), "sign-in after unban");
  const sessions = ok(await root.client.admin.listUserSessions({ userId: signUp.user.id }), "list-user-sessions");
  assert.equal(sessions.sessions.length, 1, "the ban ended the sign-up session; the new sign-in is the one");
});

// ---------------------------------------------------------------------------------------------
// OAuth provider (oauthProviderClient and oauthDeviceAuthorizationClient from
// @better-auth/oauth-provider): beep-iam as another application's identity provider, with
// better-auth's own client on the login and consent pages.

const RP_CALLBACK = "https://rp.example.com/cb";
const ISSUER = `${ORIGIN}/api/auth`;

/** A confidential client owned by the user of `dev`: the create-client answer. */
async function oauthClientOf(dev) {
  const { data, error } = await dev.client.$fetch("/oauth2/create-client", {
    method: "POST",
    body: { client_name: "Compat RP", redirect_uris: [RP_CALLBACK], grant_types: ["authorization_code", "refresh_token"] },
  });
  assert.equal(error, null, JSON.stringify(error));
  return data;
}

/** A PKCE verifier and its S256 challenge. */
function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The authorization request a relying party sends its user to. */
function authorizeUrl(clientId, challenge, { state, nonce }) {
  const url = new URL(`${ISSUER}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: RP_CALLBACK,
    scope: "openid profile email offline_access",
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

/**
 * Runs `call` as on a page at `url`: oauthProviderClient reads the page's signed query from
 * `window.location`, and better-auth's redirect plugin navigates by setting its `href`.
 * Returns the call's result and where the client navigated (null if it stayed).
 */
async function onPage(url, call) {
  const location = { href: url, search: new URL(url).search };
  globalThis.window = { location };
  try {
    const result = await call();
    return { result, navigated: location.href === url ? null : location.href };
  } finally {
    delete globalThis.window;
  }
}

/**
 * Where the browser `web` is sent from `url`. Node's fetch says `Sec-Fetch-Mode: cors`, so
 * the server answers as to a script, `{redirect: true, url}`, where a navigation gets a 302.
 */
async function redirectOf(web, url) {
  const response = await web.follow(url);
  assert.equal(response.status, 200, `${url} → ${response.status}`);
  const next = await response.json();
  assert.equal(next.redirect, true, JSON.stringify(next));
  return next.url;
}

/** Exchanges `code` at the token endpoint as `client` (client_secret_basic, its default). */
async function exchangeCode(client, code, verifier) {
  const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString("base64");
  const response = await fetch(`${ISSUER}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: RP_CALLBACK,
      code_verifier: verifier,
    }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

test("oauthProviderClient: the login page's signed query rides along sign-in; consent answers a code; jose verifies the ID token", TIMEOUT, async () => {
  const { dev: owner } = await newUser("oauth-owner");
  const client = await oauthClientOf(owner);
  const { creds, signUp } = await newUser("oauth-user");
  const web = browser([oauthProviderClient()]);
  const { verifier, challenge } = pkcePair();
  const state = randomSuffix();
  const nonce = randomSuffix();

  const loginPage = await redirectOf(web, authorizeUrl(client.client_id, challenge, { state, nonce }));
  assert.ok(loginPage.startsWith(`${ISSUER}/oauth2/login-page?`), loginPage);
  assert.ok(new URL(loginPage).searchParams.getAll("ba_param").includes("client_id"), "the page's URL names its signed parameters");
  const signedIn = await onPage(loginPage, () => web.client.signIn.email({ email: creds.email, password: creds.password }));
  const next = ok(signedIn.result, "sign-in on the login page");
  assert.equal(next.redirect, true);
  assert.ok(next.url.startsWith(`${ISSUER}/oauth2/consent-page?`), next.url);
  assert.equal(signedIn.navigated, next.url, "better-auth's client went on to the consent page");

  const consented = await onPage(next.url, () => web.client.$fetch("/oauth2/consent", { method: "POST", body: { accept: true } }));
  const back = new URL(ok(consented.result, "consent").url);
  assert.equal(`${back.origin}${back.pathname}`, RP_CALLBACK);
  assert.equal(back.searchParams.get("state"), state);
  assert.equal(back.searchParams.get("iss"), ISSUER);

  const tokens = await exchangeCode(client, back.searchParams.get("code"), verifier);
  assert.equal(tokens.token_type, "Bearer");
  assert.ok(tokens.refresh_token, "offline_access gives a refresh token");
  const keys = createLocalJWKSet(await (await fetch(`${ISSUER}/jwks`)).json());
  const { payload } = await jwtVerify(tokens.id_token, keys, { issuer: ISSUER, audience: client.client_id, algorithms: ["EdDSA"] });
  assert.equal(payload.sub, signUp.user.id);
  assert.equal(payload.nonce, nonce);
  assert.equal(payload.email, creds.email);
});

test("oauthProviderClient: a tampered signed query is refused at sign-in and nobody is signed in", TIMEOUT, async () => {
  const { dev: owner } = await newUser("oauth-owner");
  const client = await oauthClientOf(owner);
  const { creds } = await newUser("oauth-tamper");
  const web = browser([oauthProviderClient()]);
  const { challenge } = pkcePair();

  const loginPage = new URL(await redirectOf(web, authorizeUrl(client.client_id, challenge, { state: "s", nonce: "n" })));
  loginPage.searchParams.set("redirect_uri", "https://evil.example.com/cb");
  const refused = await onPage(loginPage.toString(), () => web.client.signIn.email({ email: creds.email, password: creds.password }));

  assert.equal(refused.result.error?.status, 400, JSON.stringify(refused.result));
  assert.equal(refused.navigated, null);
  assert.equal(ok(await web.client.getSession(), "get-session"), null);
});

test("oauthProviderClient with twoFactorClient: verifyTotp on the login page goes on with the authorization", TIMEOUT, async () => {
  const { dev: owner } = await newUser("oauth-owner");
  const client = await oauthClientOf(owner);
  const web = browser([twoFactorClient(), oauthProviderClient()]);
  const creds = { name: `Tess ${randomSuffix()}`, email: uniqueEmail("oauth-2fa"), password: strongPassword() };
  ok(await web.client.signUp.email(creds), "sign-up");
  const enabled = ok(await web.client.twoFactor.enable({ password: creds.password }), "two-factor enable");
  const now = Date.now() / 1000;
  ok(await web.client.twoFactor.verifyTotp({ code: totpAt(enabled.totpURI, now) }), "verify-totp");
  ok(await web.client.signOut(), "sign-out");
  const { challenge } = pkcePair();

  const loginPage = await redirectOf(web, authorizeUrl(client.client_id, challenge, { state: "s2", nonce: "n2" }));
  const first = await onPage(loginPage, () => web.client.signIn.email({ email: creds.email, password: creds.password }));
  assert.equal(ok(first.result, "sign-in").twoFactorRedirect, true);
  assert.equal(first.navigated, null, "no session yet, so nowhere to go");
  const second = await onPage(loginPage, () => web.client.twoFactor.verifyTotp({ code: totpAt(enabled.totpURI, now + 30) }));

  const next = ok(second.result, "verify-totp on the login page");
  assert.equal(next.redirect, true);
  assert.ok(next.url.startsWith(`${ISSUER}/oauth2/consent-page?`), next.url);
  assert.equal(second.navigated, next.url);
  assert.equal(ok(await web.client.getSession(), "get-session").user.email, creds.email);
});

test("oauthDeviceAuthorizationClient: code, claim, approve, then one poll gives a token that opens the session", TIMEOUT, async () => {
  const { dev: owner } = await newUser("device-owner");
  const client = await oauthClientOf(owner);
  const tv = device([oauthDeviceAuthorizationClient()]);
  const { dev: phone, creds } = await newUser("device-user");
  const approver = device([oauthDeviceAuthorizationClient()]);
  approver.token = phone.token;

  const pendingCode = ok(await tv.client.device.code({ client_id: client.client_id, scope: "openid" }), "device code");
  const pending = await tv.client.device.token({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: pendingCode.device_code, client_id: client.client_id });
  assert.equal(pending.error?.status, 400);
  assert.equal(pending.error?.error, "authorization_pending", JSON.stringify(pending.error));

  const issued = ok(await tv.client.device.code({ client_id: client.client_id, scope: "openid" }), "device code");
  assert.match(issued.user_code, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
  const seen = ok(await approver.client.device({ query: { user_code: issued.user_code } }), "device (claim)");
  assert.equal(seen.status, "pending");
  assert.deepEqual(ok(await approver.client.device.approve({ userCode: issued.user_code }), "approve"), { success: true });
  const token = ok(await tv.client.device.token({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: issued.device_code, client_id: client.client_id }), "device token");

  assert.equal(token.token_type, "Bearer");
  const signedIn = device();
  signedIn.token = token.access_token;
  assert.equal(ok(await signedIn.client.getSession(), "get-session with the device's token").user.email, creds.email);
});
