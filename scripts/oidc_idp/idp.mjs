// Local OpenID Connect provider (panva's oidc-provider) for beep-iam social sign-in tests.
// Usage: node scripts/oidc_idp/idp.mjs --port 0 [--issuer-suffix /some/path]
// Protocol: prints exactly one line "LISTENING <port>" on stdout; everything else goes to stderr.
// Exits on SIGTERM/SIGINT and when stdin closes (so an orphaned IdP dies with its parent).
import http from 'node:http';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

// oidc-provider prints NOTICEs with console.info (stdout); keep stdout for our protocol only.
console.log = console.info = console.error;
// The in-memory adapter is exactly what a throwaway test IdP wants; drop that warning...
const warn = console.warn;
console.warn = (msg, ...rest) => {
  // ...and the one about our own pre-read token request body (see the strict client auth middleware).
  if (typeof msg === 'string' && /in-memory adapter|already parsed request body/.test(msg)) return;
  warn(msg, ...rest);
};
// Imported after the console patch so import-time warnings are redirected too.
const { default: Provider } = await import('oidc-provider');

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'issuer-suffix': { type: 'string', default: '' } },
});
const suffix = args['issuer-suffix'].replace(/\/+$/, '');
if (suffix && !suffix.startsWith('/')) throw new Error('--issuer-suffix must start with /');

// Users are chosen per flow by login_hint "<sub>;<email>;<verified 0|1>[;<name>]"; remembered by sub
// so findAccount (token/userinfo time) can return the claims.
const accounts = new Map();
function userFromHint(hint) {
  const [sub, email, verified, name] = (hint || 'default;default@example.com;1;Default User').split(';');
  if (!sub || !email || !['0', '1'].includes(verified)) throw new Error(`bad login_hint: ${hint}`);
  const full = name || sub;
  const [given, ...family] = full.split(' ');
  const user = {
    sub,
    email,
    email_verified: verified === '1',
    name: full,
    given_name: given,
    family_name: family.join(' ') || undefined,
    picture: `https://img.example/${sub}.png`,
  };
  accounts.set(sub, user);
  return user;
}

const jwk = (type, opts, alg) => ({
  ...crypto.generateKeyPairSync(type, opts).privateKey.export({ format: 'jwk' }),
  kid: `${alg.toLowerCase()}-${crypto.randomUUID()}`,
  alg,
  use: 'sig',
});

const clientBase = {
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  // Placeholder for metadata validation; any loopback http URI is accepted (see redirectUriAllowed).
  redirect_uris: ['http://127.0.0.1/placeholder-callback'],
  id_token_signed_response_alg: 'RS256',
};

const CLIENTS = [
  { ...clientBase, client_id: 'beep-test', client_secret: 'beep-test-secret', token_endpoint_auth_method: 'client_secret_basic' },
  { ...clientBase, client_id: 'beep-post', client_secret: 'beep-post-secret', token_endpoint_auth_method: 'client_secret_post' },
];
const AUTH_METHODS = Object.fromEntries(CLIENTS.map((c) => [c.client_id, c.token_endpoint_auth_method]));

function buildProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: CLIENTS,
    // RSA first => RS256 is the default signing key; ES256 is published too.
    jwks: { keys: [jwk('rsa', { modulusLength: 2048 }, 'RS256'), jwk('ec', { namedCurve: 'P-256' }, 'ES256')] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex'), crypto.randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'picture'],
    },
    // Like Google: scope-granted claims go into the ID token as well, not just userinfo.
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      const user = accounts.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: async () => ({ ...user }) };
    },
    features: { devInteractions: { enabled: false } },
    // Errors that can't go back to the client (e.g. bad redirect_uri) as JSON, not an HTML page.
    renderError: async (ctx, out) => { ctx.type = 'json'; ctx.body = out; },
    responseTypes: ['code'],
    // Our own automatic interaction handler lives under the issuer path.
    interactions: { url: async (ctx, interaction) => `${suffix}/interaction/${interaction.uid}` },
    // Default only issues RTs with offline_access (which itself needs prompt=consent); tests want one always.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Deterministic: every refresh returns a new RT and consumes the old one.
    rotateRefreshToken: () => true,
    // The placeholder redirect_uri must never be used implicitly.
    allowOmittingSingleRegisteredRedirectUri: false,
    // Explicit TTLs (seconds) also silence the "default ttl.X function called" notices.
    ttl: { AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60, Interaction: 600, RefreshToken: 14 * 86400, Grant: 14 * 86400, Session: 14 * 86400 },
  });
  // Tests run callback servers on random ports/paths: accept any plain-http loopback redirect URI.
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    try {
      const u = new URL(value);
      return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && !u.hash;
    } catch {
      return false;
    }
  };
  // oidc-provider accepts client_secret_basic and client_secret_post interchangeably; be strict so a
  // test proves the RP uses the method it was configured with. The buffered body is handed back
  // as req.body, which oidc-provider's body parser falls back to.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token' && ctx.is('application/x-www-form-urlencoded')) {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      ctx.req.body = Buffer.concat(chunks).toString();
      const form = new URLSearchParams(ctx.req.body);
      const basic = /^basic (.+)$/i.exec(ctx.get('authorization'))?.[1];
      const [id, used] = basic
        ? [decodeURIComponent(Buffer.from(basic, 'base64').toString().split(':')[0].replace(/\+/g, ' ')), 'client_secret_basic']
        : [form.get('client_id'), form.has('client_secret') ? 'client_secret_post' : 'none'];
      const expected = AUTH_METHODS[id];
      if (expected && used !== expected) {
        ctx.status = 401;
        ctx.body = { error: 'invalid_client', error_description: `client ${id} must use ${expected}, not ${used}` };
        return;
      }
    }
    await next();
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  return provider;
}

// The interaction step: log in the login_hint user and grant everything requested, no UI.
async function autoInteraction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { params, prompt } = details;
  const user = userFromHint(params.login_hint);
  const grant = new provider.Grant({ accountId: user.sub, clientId: params.client_id });
  grant.addOIDCScope(params.scope);
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const result = { login: { accountId: user.sub }, consent: { grantId: await grant.save() } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

// Every /authorize is a fresh login: drop the SSO session cookie so a shared cookie jar can never
// carry user A into a flow whose login_hint names user B (oidc-provider ignores login_hint otherwise).
function dropSessionCookie(req) {
  if (!req.headers.cookie) return;
  req.headers.cookie = req.headers.cookie
    .split(/;\s*/)
    .filter((c) => !/^_session(\.legacy)?(\.sig)?=/.test(c))
    .join('; ');
}

const server = http.createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const { port } = server.address();
  const provider = buildProvider(`http://127.0.0.1:${port}${suffix}`);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = req.url.split('?')[0];
    if (suffix && path !== suffix && !path.startsWith(`${suffix}/`)) {
      res.writeHead(404).end();
      return;
    }
    // Mounted like express would: provider sees the path below the issuer, baseUrl gives it the mount.
    req.url = req.url.slice(suffix.length) || '/';
    req.baseUrl = suffix;
    dropSessionCookie(req);
    if (req.url.startsWith('/interaction/')) {
      autoInteraction(provider, req, res).catch((err) => {
        console.error('interaction failed:', err);
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${err.error_description || err.message}\n`);
      });
      return;
    }
    callback(req, res);
  });
  process.stdout.write(`LISTENING ${port}\n`);
  console.error(`oidc idp: issuer http://127.0.0.1:${port}${suffix}`);
});

function shutdown(why) {
  console.error(`oidc idp: exiting (${why})`);
  server.closeAllConnections?.();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('close', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin error'));
process.stdin.resume();
