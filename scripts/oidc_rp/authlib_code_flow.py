"""A web application signing its users in with beep-iam, written with PyPI authlib:

    python authlib_code_flow.py <issuer> <client_id> <client_secret> <redirect_uri> <cookie>

Runs the authorization code flow with PKCE (S256) and a nonce for the user whose session
cookie is <cookie>: authorize lands on the consent page, the user accepts, authlib exchanges
the code, its JOSE module verifies the ID token against the JWKS and validates its claims
(iss, aud, exp, nonce, at_hash), then userinfo and a refresh. Prints one JSON line; any
error exits non-zero.
"""

import json
import sys
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

issuer, client_id, client_secret, redirect_uri, cookie = sys.argv[1:6]
origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))

metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
metadata.raise_for_status()
metadata = metadata.json()

session = OAuth2Session(
    client_id,
    client_secret,
    scope="openid profile email offline_access",
    redirect_uri=redirect_uri,
    code_challenge_method="S256",
    token_endpoint_auth_method="client_secret_basic",
)
verifier = generate_token(48)
nonce = generate_token(20)
url, state = session.create_authorization_url(
    metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
)

# The browser's part: follow authorize to the consent page and accept there.
to_consent = requests.get(url, headers={"cookie": cookie}, allow_redirects=False, timeout=10)
assert to_consent.status_code == 302, to_consent.status_code
consent_query = urlsplit(to_consent.headers["location"]).query
accepted = requests.post(
    f"{issuer}/oauth2/consent",
    json={"accept": True, "oauth_query": consent_query},
    headers={"cookie": cookie, "origin": origin, "accept": "application/json"},
    timeout=10,
)
accepted.raise_for_status()
callback = accepted.json()["url"]

token = session.fetch_token(
    metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
)
keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
claims = jwt.decode(
    token["id_token"],
    keys,
    claims_cls=CodeIDToken,
    claims_options={"iss": {"values": [issuer]}, "aud": {"values": [client_id]}},
    claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
)
claims.validate()
userinfo = session.get(metadata["userinfo_endpoint"]).json()
refreshed = session.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])

print(
    json.dumps(
        {
            "state_echoed": state in callback,
            "sub": claims["sub"],
            "nonce": claims["nonce"],
            "scope": token["scope"],
            "userinfo": userinfo,
            "refreshed": refreshed["access_token"] != token["access_token"],
        }
    )
)
