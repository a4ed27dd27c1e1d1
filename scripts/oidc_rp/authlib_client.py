"""A machine client of beep-iam written with PyPI authlib, so the provider is judged by
code that is not ours:

    python authlib_client.py <issuer> <client_id> <client_secret> <basic|post>

Reads the discovery document, takes a client_credentials token for `reports:read`,
introspects it, revokes it and introspects it again, with authlib's requests client.
Prints what it saw as one JSON line; any error exits non-zero.
"""

import json
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session

issuer, client_id, client_secret, method = sys.argv[1:5]
auth_method = "client_secret_basic" if method == "basic" else "client_secret_post"

metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
metadata.raise_for_status()
metadata = metadata.json()
assert metadata["issuer"] == issuer, metadata["issuer"]

session = OAuth2Session(
    client_id,
    client_secret,
    token_endpoint_auth_method=auth_method,
    revocation_endpoint_auth_method=auth_method,
    scope="reports:read",
)
token = session.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")


def introspect(access_token):
    answer = session.introspect_token(
        metadata["introspection_endpoint"], token=access_token
    )
    answer.raise_for_status()
    return answer.json()


active = introspect(token["access_token"])
revocation = session.revoke_token(
    metadata["revocation_endpoint"], token=token["access_token"]
)
revocation.raise_for_status()
revoked = introspect(token["access_token"])

print(
    json.dumps(
        {
            "token_type": token["token_type"],
            "scope": token["scope"],
            "expires_in": token["expires_in"],
            "active": active,
            "revoked": revoked,
        }
    )
)
