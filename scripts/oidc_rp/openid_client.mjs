// A machine client of beep-iam, written with npm openid-client (the OpenID-certified
// relying party library), so the provider is judged by code that is not ours:
//
//   node openid_client.mjs <issuer> <client_id> <client_secret> <basic|post> <oidc|oauth2>
//
// Discovers the provider (OpenID Connect Discovery, or RFC 8414 with `oauth2`), takes a
// client_credentials token for `reports:read`, introspects it, revokes it and introspects
// it again. Prints what it saw as one JSON line; any library error exits non-zero.
import * as client from 'openid-client';

const [issuer, clientId, clientSecret, method, algorithm] = process.argv.slice(2);
const authentication =
  method === 'basic' ? client.ClientSecretBasic(clientSecret) : client.ClientSecretPost(clientSecret);

const config = await client.discovery(new URL(issuer), clientId, undefined, authentication, {
  algorithm,
  // The test server listens on plain http at 127.0.0.1.
  execute: [client.allowInsecureRequests],
});
const tokens = await client.clientCredentialsGrant(config, { scope: 'reports:read' });
const active = await client.tokenIntrospection(config, tokens.access_token);
await client.tokenRevocation(config, tokens.access_token);
const revoked = await client.tokenIntrospection(config, tokens.access_token);

console.log(
  JSON.stringify({
    issuer: config.serverMetadata().issuer,
    token_type: tokens.token_type,
    scope: tokens.scope,
    expires_in: tokens.expires_in,
    active,
    revoked,
  }),
);
