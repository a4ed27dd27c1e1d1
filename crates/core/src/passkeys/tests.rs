//! The ceremonies with a P-256 key made here (an authenticator's part, in miniature); the
//! end-to-end proof with real authenticators belongs to the routes.

use super::cbor::Cbor;
use super::ceremony::*;
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

const RP_ID: &str = "app.example.com";
const ORIGIN: &str = "https://app.example.com";
const CHALLENGE: &str = "c2VydmVyLWNoYWxsZW5nZS0wMTIzNDU2Nzg5YWJjZGVm";

/// A tiny CBOR writer for the tests' authenticator.
fn encode(item: &Cbor, out: &mut Vec<u8>) {
    let head = |out: &mut Vec<u8>, major: u8, n: u64| {
        if n < 24 {
            out.push(major << 5 | n as u8);
        } else if n < 256 {
            out.extend([major << 5 | 24, n as u8]);
        } else {
            out.push(major << 5 | 25);
            out.extend((n as u16).to_be_bytes());
        }
    };
    match item {
        Cbor::Unsigned(n) => head(out, 0, *n),
        Cbor::Negative(n) => head(out, 1, (-1 - n) as u64),
        Cbor::Bytes(b) => {
            head(out, 2, b.len() as u64);
            out.extend(b);
        }
        Cbor::Text(t) => {
            head(out, 3, t.len() as u64);
            out.extend(t.as_bytes());
        }
        Cbor::Map(entries) => {
            head(out, 5, entries.len() as u64);
            for (k, v) in entries {
                encode(k, out);
                encode(v, out);
            }
        }
        other => panic!("not needed: {other:?}"),
    }
}

fn text(t: &str) -> Cbor {
    Cbor::Text(t.into())
}

struct Authenticator {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
    credential_id: Vec<u8>,
}

impl Authenticator {
    fn new() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Self {
            pair,
            rng,
            credential_id: vec![7; 16],
        }
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.pair.public_key().as_ref();
        let key = Cbor::Map(vec![
            (Cbor::Unsigned(1), Cbor::Unsigned(2)),
            (Cbor::Unsigned(3), Cbor::Negative(-7)),
            (Cbor::Negative(-1), Cbor::Unsigned(1)),
            (Cbor::Negative(-2), Cbor::Bytes(point[1..33].to_vec())),
            (Cbor::Negative(-3), Cbor::Bytes(point[33..].to_vec())),
        ]);
        let mut out = Vec::new();
        encode(&key, &mut out);
        out
    }

    fn auth_data(&self, rp_id: &str, flags: u8, count: u32, attested: bool) -> Vec<u8> {
        let mut data = digest(&SHA256, rp_id.as_bytes()).as_ref().to_vec();
        data.push(flags | if attested { 0x40 } else { 0 });
        data.extend(count.to_be_bytes());
        if attested {
            data.extend([0u8; 16]);
            data.extend((self.credential_id.len() as u16).to_be_bytes());
            data.extend(&self.credential_id);
            data.extend(self.cose_key());
        }
        data
    }

    fn sign(&self, auth_data: &[u8], client_data: &[u8]) -> Vec<u8> {
        let mut message = auth_data.to_vec();
        message.extend(digest(&SHA256, client_data).as_ref());
        self.pair
            .sign(&self.rng, &message)
            .unwrap()
            .as_ref()
            .to_vec()
    }
}

fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"type": kind, "challenge": challenge, "origin": origin}))
        .unwrap()
}

fn attestation(fmt: &str, statement: Cbor, auth_data: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    encode(
        &Cbor::Map(vec![
            (text("fmt"), text(fmt)),
            (text("attStmt"), statement),
            (text("authData"), Cbor::Bytes(auth_data)),
        ]),
        &mut out,
    );
    out
}

fn expected(origins: &[String]) -> Expected<'_> {
    Expected {
        challenge: CHALLENGE,
        origins,
        rp_id: RP_ID,
        user_verification: false,
    }
}

fn registered(authenticator: &Authenticator) -> NewCredential {
    let origins = [ORIGIN.to_owned()];
    let data = authenticator.auth_data(RP_ID, 0x01, 0, true);
    let object = attestation("none", Cbor::Map(vec![]), data);
    verify_registration(
        &expected(&origins),
        &client_data("webauthn.create", CHALLENGE, ORIGIN),
        &object,
    )
    .unwrap()
}

#[test]
fn a_none_attestation_registers_the_credential_and_its_key() {
    let authenticator = Authenticator::new();

    let credential = registered(&authenticator);

    assert_eq!(credential.id, vec![7; 16]);
    assert_eq!(credential.public_key_cose, authenticator.cose_key());
    assert_eq!(credential.sign_count, 0);
    assert!(!credential.backup_eligible);
}

#[test]
fn packed_self_attestation_must_be_signed_by_the_new_key() {
    let authenticator = Authenticator::new();
    let origins = [ORIGIN.to_owned()];
    let client = client_data("webauthn.create", CHALLENGE, ORIGIN);
    let data = authenticator.auth_data(RP_ID, 0x05, 0, true);
    let sig = authenticator.sign(&data, &client);
    let statement = |sig: Vec<u8>| {
        Cbor::Map(vec![
            (text("alg"), Cbor::Negative(-7)),
            (text("sig"), Cbor::Bytes(sig)),
        ])
    };

    let good = verify_registration(
        &expected(&origins),
        &client,
        &attestation("packed", statement(sig.clone()), data.clone()),
    );
    let mut forged = sig;
    forged[10] ^= 1;
    let bad = verify_registration(
        &expected(&origins),
        &client,
        &attestation("packed", statement(forged), data.clone()),
    );
    let other_format = verify_registration(
        &expected(&origins),
        &client,
        &attestation("fido-u2f", Cbor::Map(vec![]), data),
    );

    assert!(good.is_ok());
    assert_eq!(bad.unwrap_err(), CeremonyError::Attestation);
    assert_eq!(other_format.unwrap_err(), CeremonyError::Attestation);
}

#[test]
fn a_registration_for_another_challenge_origin_rp_or_ceremony_is_refused() {
    let authenticator = Authenticator::new();
    let origins = [ORIGIN.to_owned()];
    let object = |rp: &str, flags: u8| {
        attestation(
            "none",
            Cbor::Map(vec![]),
            authenticator.auth_data(rp, flags, 0, true),
        )
    };
    let cases = [
        (
            client_data("webauthn.create", "b3RoZXI", ORIGIN),
            object(RP_ID, 1),
            CeremonyError::Challenge,
        ),
        (
            client_data("webauthn.create", CHALLENGE, "https://evil.example"),
            object(RP_ID, 1),
            CeremonyError::Origin,
        ),
        (
            client_data("webauthn.get", CHALLENGE, ORIGIN),
            object(RP_ID, 1),
            CeremonyError::Type,
        ),
        (
            client_data("webauthn.create", CHALLENGE, ORIGIN),
            object("evil.example", 1),
            CeremonyError::RpId,
        ),
        (
            client_data("webauthn.create", CHALLENGE, ORIGIN),
            object(RP_ID, 0),
            CeremonyError::UserPresence,
        ),
        (
            client_data("webauthn.create", CHALLENGE, ORIGIN),
            object(RP_ID, 0x11),
            CeremonyError::BackupFlags,
        ),
        (
            b"not json".to_vec(),
            object(RP_ID, 1),
            CeremonyError::ClientData,
        ),
        (
            client_data("webauthn.create", CHALLENGE, ORIGIN),
            vec![0xa0],
            CeremonyError::AuthenticatorData,
        ),
    ];

    for (client, object, error) in cases {
        assert_eq!(
            verify_registration(&expected(&origins), &client, &object).unwrap_err(),
            error
        );
    }
}

#[test]
fn an_assertion_passes_once_per_counter_value() {
    let authenticator = Authenticator::new();
    let key = registered(&authenticator).public_key;
    let origins = [ORIGIN.to_owned()];
    let client = client_data("webauthn.get", CHALLENGE, ORIGIN);
    let data = authenticator.auth_data(RP_ID, 0x01, 5, false);
    let signature = authenticator.sign(&data, &client);

    let passed = verify_assertion(&expected(&origins), &key, 4, &client, &data, &signature);
    let replayed = verify_assertion(&expected(&origins), &key, 5, &client, &data, &signature);

    assert_eq!(passed.unwrap().sign_count, 5);
    assert_eq!(replayed.unwrap_err(), CeremonyError::Counter);
}

#[test]
fn an_assertion_with_a_bad_signature_or_without_verification_when_required_is_refused() {
    let authenticator = Authenticator::new();
    let key = registered(&authenticator).public_key;
    let origins = [ORIGIN.to_owned()];
    let client = client_data("webauthn.get", CHALLENGE, ORIGIN);
    let data = authenticator.auth_data(RP_ID, 0x01, 0, false);
    let mut signature = authenticator.sign(&data, &client);
    let strict = Expected {
        user_verification: true,
        ..expected(&origins)
    };

    let unverified = verify_assertion(&strict, &key, 0, &client, &data, &signature);
    let counterless = verify_assertion(&expected(&origins), &key, 0, &client, &data, &signature);
    signature[20] ^= 1;
    let forged = verify_assertion(&expected(&origins), &key, 0, &client, &data, &signature);

    assert_eq!(unverified.unwrap_err(), CeremonyError::UserVerification);
    assert!(
        counterless.is_ok(),
        "an authenticator that does not count passes at 0"
    );
    assert_eq!(forged.unwrap_err(), CeremonyError::Signature);
}

#[test]
fn challenges_are_32_random_bytes() {
    let a = new_challenge();
    assert_eq!(a.len(), 43);
    assert_ne!(a, new_challenge());
}
