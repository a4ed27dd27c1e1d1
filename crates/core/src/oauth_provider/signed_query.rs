//! The signed hand-off of an authorization request to the login and consent pages
//! (better-auth's signed `oauth_query`): the request's parameters plus `exp`, `ba_iat` (when
//! it was signed, in milliseconds) and `ba_param` (the name of every signed parameter, which
//! better-auth's `oauthProviderClient` needs to pick the signed ones out of a page's URL),
//! and `sig`, an HMAC-SHA-256 under a key derived from the server secret over the
//! parameters sorted by name then value. A page hands the query back unchanged; the server
//! then knows the request is one it validated itself, and not older than `exp`.

use super::error::OAuthError;
use crate::mail::SealingKey;
use subtle::ConstantTimeEq as _;

/// The derivation purpose of the key that signs hand-offs (no other key can forge one).
pub(super) const PURPOSE: &str = "oauth-query";

/// The parameters the hand-off adds; a request's own parameters by these names are dropped.
const HAND_OFF_PARAMS: [&str; 5] = ["sig", "exp", "ba_iat", "ba_param", "ba_pl"];

/// `params` signed at `issued_at_ms` (unix milliseconds) to expire at `expires_at` (unix
/// seconds), as a query string (no `?`).
pub(super) fn sign(
    key: &SealingKey,
    params: &[(String, String)],
    issued_at_ms: i64,
    expires_at: i64,
) -> String {
    let mut signed: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| !HAND_OFF_PARAMS.contains(&name.as_str()))
        .cloned()
        .collect();
    signed.push(("exp".to_owned(), expires_at.to_string()));
    signed.push(("ba_iat".to_owned(), issued_at_ms.to_string()));
    let mut names: Vec<String> = signed.iter().map(|(name, _)| name.clone()).collect();
    names.push("ba_param".to_owned());
    names.sort();
    names.dedup();
    signed.extend(names.into_iter().map(|name| ("ba_param".to_owned(), name)));
    let sig = key.mac_hex(canonical(&signed).as_bytes());
    signed.push(("sig".to_owned(), sig));
    encode(&signed)
}

/// The parameters of a hand-off signed by `key` that has not expired at `now` (unix
/// seconds), without those the hand-off added.
pub(super) fn verify(
    key: &SealingKey,
    query: &str,
    now: i64,
) -> Result<Vec<(String, String)>, OAuthError> {
    let invalid = || OAuthError::invalid_request("invalid signature");
    let query = query.strip_prefix('?').unwrap_or(query);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut sigs = pairs.iter().filter(|(k, _)| k == "sig");
    let (Some((_, sig)), None) = (sigs.next(), sigs.next()) else {
        return Err(invalid());
    };
    let signed: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "sig").cloned().collect();
    let expected = key.mac_hex(canonical(&signed).as_bytes());
    if !bool::from(expected.as_bytes().ct_eq(sig.as_bytes())) {
        return Err(invalid());
    }
    let mut exps = signed.iter().filter(|(k, _)| k == "exp");
    let expires_at = match (exps.next(), exps.next()) {
        (Some((_, exp)), None) => exp.parse::<i64>().map_err(|_| invalid())?,
        _ => return Err(invalid()),
    };
    if expires_at <= now {
        return Err(OAuthError::invalid_request("the request has expired"));
    }
    Ok(signed
        .into_iter()
        .filter(|(k, _)| !HAND_OFF_PARAMS.contains(&k.as_str()))
        .collect())
}

/// The pairs sorted by name, then value, form-encoded: one text for one set of parameters
/// whatever order a page sends them back in.
fn canonical(pairs: &[(String, String)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort();
    encode(&sorted)
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        vec![
            ("client_id".into(), "abc".into()),
            ("scope".into(), "openid email".into()),
            ("state".into(), "x&y=z".into()),
        ]
    }

    #[test]
    fn a_signed_query_verifies_in_any_order() {
        let key = SealingKey::derive("secret", PURPOSE);
        let query = sign(&key, &params(), 5, 1_000);

        let mut reordered: Vec<&str> = query.split('&').collect();
        reordered.reverse();
        let back = verify(&key, &format!("?{}", reordered.join("&")), 999).unwrap();

        let mut expected = params();
        expected.sort();
        let mut back_sorted = back;
        back_sorted.sort();
        assert_eq!(back_sorted, expected);
    }

    #[test]
    fn a_changed_parameter_or_another_key_fails() {
        let key = SealingKey::derive("secret", PURPOSE);
        let query = sign(&key, &params(), 5, 1_000);

        let tampered = query.replace("client_id=abc", "client_id=evil");
        assert!(verify(&key, &tampered, 999).is_err());
        let added = format!("{query}&redirect_uri=https%3A%2F%2Fevil");
        assert!(verify(&key, &added, 999).is_err());
        let other = SealingKey::derive("other", PURPOSE);
        assert!(verify(&other, &query, 999).is_err());
    }

    #[test]
    fn a_signed_query_names_its_parameters_for_better_auths_client() {
        let key = SealingKey::derive("secret", PURPOSE);
        let query = sign(&key, &params(), 5, 1_000);

        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let named: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "ba_param")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            named,
            ["ba_iat", "ba_param", "client_id", "exp", "scope", "state"]
        );
        assert!(pairs.contains(&("ba_iat".to_owned(), "5".to_owned())));
    }

    #[test]
    fn a_request_cannot_smuggle_hand_off_parameters() {
        let key = SealingKey::derive("secret", PURPOSE);
        let mut sneaky = params();
        sneaky.push(("ba_param".into(), "redirect_uri".into()));
        sneaky.push(("exp".into(), "99999999999".into()));
        let query = sign(&key, &sneaky, 5, 1_000);

        let back = verify(&key, &query, 999).unwrap();
        assert!(back.iter().all(|(k, _)| k != "ba_param" && k != "exp"));
        assert!(verify(&key, &query, 1_000).is_err());
    }

    #[test]
    fn an_expired_query_fails() {
        let key = SealingKey::derive("secret", PURPOSE);
        let query = sign(&key, &params(), 5, 1_000);

        assert!(verify(&key, &query, 1_000).is_err());
    }
}
