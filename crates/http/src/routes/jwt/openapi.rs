//! The JWT family in the OpenAPI document, derived from its answer types.

use super::wire::TokenJson;
use crate::openapi::builder::{Op, collect, object, ok_json, schema_ref, string};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema};

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "JWT",
    "Short-lived JWTs for resource servers (better-auth's jwt plugin), verified offline \
     against `/jwks`. EdDSA unless `JWT_ALGORITHM` says ES256 or RS256; keys are made on \
     first use, rotated every `JWT_ROTATION_INTERVAL`, and published for \
     `JWT_GRACE_PERIOD` after they stop signing. get-session adds a fresh token in the \
     `set-auth-jwt` header.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<TokenJson>(&mut all);
    let key: RefOr<Schema> = ObjectBuilder::new()
        .description(Some(
            "A public JWK (RFC 7517) with `alg` and `kid`: `kty` OKP (`crv`, `x`), EC \
             (`crv`, `x`, `y`) or RSA (`n`, `e`)",
        ))
        .property("kty", string())
        .required("kty")
        .property("alg", string())
        .required("alg")
        .property("kid", string())
        .required("kid")
        .property("crv", string())
        .property("x", string())
        .property("y", string())
        .property("n", string())
        .property("e", string())
        .into();
    all.push(("JsonWebKey".to_owned(), key));
    all.push((
        "JsonWebKeySet".to_owned(),
        object(
            "The keys that verify this server's JWTs, newest first",
            vec![(
                "keys",
                true,
                ArrayBuilder::new().items(schema_ref("JsonWebKey")).into(),
            )],
        ),
    ));
    all
}

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    vec![
        Op::get("/token", "getJwtToken", TAG.0, "A JWT of the session")
            .description(
                "Signs the session's user (as get-session shows it) into a JWT that expires \
                 after `JWT_EXPIRES_IN` (15 minutes by default).",
            )
            .session()
            .ok_of::<TokenJson>("`{token}`"),
        Op::get(
            "/jwks",
            "getJsonWebKeySet",
            TAG.0,
            "The JWT verification keys",
        )
        .description(
            "The public key that signs now and those still in their grace period. The \
                 first key is made on the first call.",
        )
        .public()
        .reply("200", ok_json("`{keys}`", schema_ref("JsonWebKeySet"))),
    ]
}
