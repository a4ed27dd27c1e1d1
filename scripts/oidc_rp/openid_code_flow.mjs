// A web application signing its users in with beep-iam, written with npm openid-client
// (the OpenID-certified relying party library) and npm jose (an independent JWT verifier):
//
//   node openid_code_flow.mjs <issuer> <client_id> <client_secret|-> <redirect_uri> <cookie>
//
// With `-` the client is public (PKCE only). Runs the authorization code flow with PKCE and
// a nonce for a user whose session cookie is <cookie>: the authorize redirect lands on the
// consent page, the user accepts, the library exchanges the code and validates the ID token,
// jose verifies its signature against the JWKS, the library reads userinfo and rotates the
// refresh token; the rotated-out token is then presented again. Prints one JSON line; any
// unexpected library error exits non-zero.
import * as client from 'openid-client';
import * as jose from 'jose';

const [issuer, clientId, clientSecret, redirectUri, cookie] = process.argv.slice(2);
const authentication = clientSecret === '-' ? client.None() : client.ClientSecretBasic(clientSecret);
const config = await client.discovery(new URL(issuer), clientId, undefined, authentication, {
  execute: [client.allowInsecureRequests],
});
const origin = new URL(issuer).origin;

const verifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const authorizeUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email offline_access',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  nonce,
  state,
});

// The browser's part: follow /oauth2/authorize to the consent page and accept there. Node's
// fetch says `Sec-Fetch-Mode: cors`, so the answer is `{redirect, url}`, not a 302.
const toConsent = await fetch(authorizeUrl, { headers: { cookie } });
const consentPage = new URL((await toConsent.json()).url);
const accepted = await fetch(`${issuer}/oauth2/consent`, {
  method: 'POST',
  headers: { cookie, origin, 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ accept: true, oauth_query: consentPage.search }),
});
const { url: callback } = await accepted.json();

const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedNonce: nonce,
  expectedState: state,
  idTokenExpected: true,
});
const claims = tokens.claims();
const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
const { payload: verified } = await jose.jwtVerify(tokens.id_token, jwks, {
  issuer,
  audience: clientId,
});
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);

let reuse;
try {
  await client.refreshTokenGrant(config, tokens.refresh_token);
  reuse = 'accepted';
} catch (err) {
  reuse = err.error ?? String(err);
}
let afterReuse;
try {
  await client.refreshTokenGrant(config, refreshed.refresh_token);
  afterReuse = 'accepted';
} catch (err) {
  afterReuse = err.error ?? String(err);
}

console.log(
  JSON.stringify({
    consent_page: consentPage.origin + consentPage.pathname,
    sub: claims.sub,
    nonce: claims.nonce,
    verified_sub: verified.sub,
    at_hash: typeof claims.at_hash,
    auth_time: typeof claims.auth_time,
    scope: tokens.scope,
    userinfo,
    refreshed_scope: refreshed.scope,
    refreshed_has_id_token: typeof refreshed.id_token === 'string',
    reuse,
    after_reuse: afterReuse,
  }),
);
