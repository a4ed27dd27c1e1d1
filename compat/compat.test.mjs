// Wire-compatibility tests: better-auth's official JS client (pinned in package.json) talking to a
// running beep-iam server. Run with `node --test compat/compat.test.mjs` and BEEP_IAM_URL set, or
// let compat/run.sh start a server for you. Reference: better-auth-api.md, sections 1-3 and 8.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createAuthClient } from "better-auth/client";
import { getCookieCache } from "better-auth/cookies";

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

const TIMEOUT = { timeout: 15_000 };

// ---------------------------------------------------------------------------------------------
// Helpers

const randomSuffix = () => randomBytes(6).toString("hex");
const uniqueEmail = (label) => `compat-${label}-${randomSuffix()}@example.com`;
const strongPassword = () => `Correct-Horse-${randomSuffix()}-Battery`;

/**
 * One simulated device: a better-auth client with its own bearer-token store. The server's
 * `set-auth-token` response header replaces the stored token; every request sends it back as
 * `Authorization: Bearer <token>`.
 */
function device() {
  const dev = {
    token: null, // signed token last received in set-auth-token ("<token>.<signature>")
    lastSetAuthToken: null, // set-auth-token header of the most recent response (or null)
    client: null,
  };
  dev.client = createAuthClient({
    baseURL: BASE_URL,
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
function browser() {
  const jar = new Map();
  const remember = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  };
  const jarFetch = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await fetch(input, { ...init, headers, redirect: "manual" });
    remember(response);
    return response;
  };
  const client = createAuthClient({
    baseURL: BASE_URL,
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
