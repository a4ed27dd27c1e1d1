"""Prints an OAuth access token (with `openid profile email`) for the user whose session
cookie is given, by running the authorization code flow with PKCE against beep-iam: the
benchmark of /oauth2/userinfo needs one.

    python3 bench/oauth_user_token.py <base_url> <session_cookie>
"""

import base64
import hashlib
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request

base, cookie = sys.argv[1:3]
api = f"{base}/api/auth"
redirect = "https://bench.example.com/cb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(method, path, body=None, headers=None, form=False):
    data = None
    headers = dict(headers or {}, cookie=cookie, origin=base)
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        headers["content-type"] = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(f"{api}{path}", data=data, method=method, headers=headers)
    try:
        return opener.open(request)
    except urllib.error.HTTPError as redirect_or_error:
        return redirect_or_error


client = json.load(call("POST", "/oauth2/create-client", {"client_name": "bench", "redirect_uris": [redirect]}))
verifier = secrets.token_urlsafe(48)
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
query = urllib.parse.urlencode({
    "response_type": "code", "client_id": client["client_id"], "redirect_uri": redirect,
    "scope": "openid profile email", "code_challenge": challenge, "code_challenge_method": "S256",
})
consent_page = call("GET", f"/oauth2/authorize?{query}").headers["location"]
accepted = json.load(call("POST", "/oauth2/consent", {
    "accept": True, "oauth_query": urllib.parse.urlsplit(consent_page).query,
}))
code = urllib.parse.parse_qs(urllib.parse.urlsplit(accepted["url"]).query)["code"][0]
basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
tokens = json.load(call("POST", "/oauth2/token", {
    "grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "code_verifier": verifier,
}, headers={"authorization": f"Basic {basic}"}, form=True))
print(tokens["access_token"])
