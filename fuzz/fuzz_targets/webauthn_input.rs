//! Fuzzes what a browser's authenticator sends a passkey ceremony: CBOR (attestation objects,
//! COSE keys), authenticator data and client data.
//!
//! Input: the first byte picks the part; the rest is split in two at the second byte.
//!
//! Properties:
//! - no panic, and the CBOR reader never reports more bytes than it was given;
//! - no assertion verifies: random bytes are never a valid ECDSA signature (finding one
//!   by chance would mean the verifier is broken).

#![no_main]

use beep_core::passkeys::cbor::Cbor;
use beep_core::passkeys::ceremony::{Expected, verify_assertion, verify_registration};
use beep_core::passkeys::cose::CoseKey;
use libfuzzer_sys::fuzz_target;

const CHALLENGE: &str = "c2VydmVyLWNoYWxsZW5nZS0wMTIzNDU2Nzg5YWJjZGVm";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let origins = ["https://app.example.com".to_owned()];
    let expected = Expected {
        challenge: CHALLENGE,
        origins: &origins,
        rp_id: "app.example.com",
        user_verification: false,
    };
    let split = rest.first().map_or(0, |&b| usize::from(b)).min(rest.len());
    let (first, second) = rest.split_at(split);
    match mode % 3 {
        0 => {
            if let Ok((item, used)) = Cbor::read_prefix(rest) {
                assert!(used <= rest.len());
                let _ = CoseKey::from_cbor(&item);
            }
        }
        1 => {
            let _ = verify_registration(&expected, first, second);
        }
        _ => {
            // A valid P-256 point (the curve's generator) as the stored key.
            let mut point = vec![0x04];
            point.extend(hex_bytes(
                "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
            ));
            point.extend(hex_bytes(
                "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
            ));
            let key = CoseKey::Es256(point);
            let half = second.len() / 2;
            let (auth_data, signature) = second.split_at(half);
            let result = verify_assertion(&expected, &key, 0, first, auth_data, signature);
            assert!(result.is_err(), "a forged assertion verified");
        }
    }
});

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0))
        .collect()
}
