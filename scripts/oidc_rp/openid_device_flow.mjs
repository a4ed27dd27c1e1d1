// A device (a TV, a CLI) signing its user in with beep-iam by RFC 8628 device authorization,
// written with npm openid-client:
//
//   node openid_device_flow.mjs <issuer> <client_id> <cookie>
//
// The library starts the authorization at the discovered device_authorization_endpoint; the
// user (session cookie <cookie>) opens the code and approves it; the library polls the token
// endpoint, validates the ID token and reads userinfo. Prints one JSON line.
import * as client from 'openid-client';

const [issuer, clientId, cookie] = process.argv.slice(2);
const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
  execute: [client.allowInsecureRequests],
});
const origin = new URL(issuer).origin;

const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });

// The user's part, on another device: open the code (which claims it), then approve.
const opened = await fetch(`${issuer}/device?user_code=${encodeURIComponent(started.user_code)}`, {
  headers: { cookie },
});
const approved = await fetch(`${issuer}/device/approve`, {
  method: 'POST',
  headers: { cookie, origin, 'content-type': 'application/json' },
  body: JSON.stringify({ userCode: started.user_code }),
});

const tokens = await client.pollDeviceAuthorizationGrant(config, started);
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

console.log(
  JSON.stringify({
    verification_uri: started.verification_uri,
    opened: (await opened.json()).status,
    approved: (await approved.json()).success,
    sub: claims.sub,
    scope: tokens.scope,
    has_refresh_token: typeof tokens.refresh_token === 'string',
    userinfo,
  }),
);
