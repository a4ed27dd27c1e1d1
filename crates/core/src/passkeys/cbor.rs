//! A small CBOR reader (RFC 8949) for what WebAuthn sends: attestation objects, COSE keys and
//! extension maps. Definite lengths only (CTAP2's canonical form), nesting and lengths
//! bounded by the input, and the bytes one item took reported, because authenticator data
//! holds a COSE key followed by more bytes.

/// A decoded CBOR item.
#[derive(Debug, Clone, PartialEq)]
pub enum Cbor {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i128),
    /// A byte string.
    Bytes(Vec<u8>),
    /// A text string.
    Text(String),
    /// An array.
    Array(Vec<Cbor>),
    /// A map, in the order sent.
    Map(Vec<(Cbor, Cbor)>),
    /// `true` or `false`.
    Bool(bool),
    /// `null` or `undefined`.
    Null,
    /// A float (read, never used by WebAuthn).
    Float(f64),
}

/// Why CBOR could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CborError {
    /// The input ended inside an item.
    #[error("CBOR input ends early")]
    Truncated,
    /// Indefinite lengths, tags, reserved values or invalid UTF-8.
    #[error("CBOR item not accepted")]
    Unsupported,
    /// Nested deeper than WebAuthn ever needs.
    #[error("CBOR nested too deep")]
    TooDeep,
}

/// Deepest nesting read.
const MAX_DEPTH: usize = 16;

impl Cbor {
    /// Reads one item from the start of `bytes`: the item and how many bytes it took.
    pub fn read_prefix(bytes: &[u8]) -> Result<(Cbor, usize), CborError> {
        let mut reader = Reader { bytes, at: 0 };
        let item = reader.item(0)?;
        Ok((item, reader.at))
    }

    /// Reads `bytes` as exactly one item.
    pub fn read_exact(bytes: &[u8]) -> Result<Cbor, CborError> {
        let (item, used) = Self::read_prefix(bytes)?;
        if used == bytes.len() {
            Ok(item)
        } else {
            Err(CborError::Unsupported)
        }
    }

    /// The value under integer key `key` of a map.
    pub fn get_int(&self, key: i128) -> Option<&Cbor> {
        let Cbor::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| k.as_int() == Some(key))
            .map(|(_, v)| v)
    }

    /// The value under text key `key` of a map.
    pub fn get_text(&self, key: &str) -> Option<&Cbor> {
        let Cbor::Map(entries) = self else {
            return None;
        };
        entries
            .iter()
            .find(|(k, _)| matches!(k, Cbor::Text(t) if t == key))
            .map(|(_, v)| v)
    }

    /// The item as an integer.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Cbor::Unsigned(n) => Some(i128::from(*n)),
            Cbor::Negative(n) => Some(*n),
            _ => None,
        }
    }

    /// The item as a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Cbor::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The item as a text string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cbor::Text(t) => Some(t),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let end = self.at.checked_add(n).ok_or(CborError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(CborError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn argument(&mut self, info: u8) -> Result<u64, CborError> {
        Ok(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes([self.take(1)?[0], self.take(1)?[0]])),
            26 => {
                let b = self.take(4)?;
                u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            }
            27 => {
                let b = self.take(8)?;
                u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
            }
            _ => return Err(CborError::Unsupported),
        })
    }

    /// A length that the rest of the input can hold (each element takes at least a byte),
    /// so a forged length never makes a large allocation.
    fn length(&mut self, info: u8) -> Result<usize, CborError> {
        let n = self.argument(info)?;
        let left = self.bytes.len() - self.at;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or(CborError::Truncated)
    }

    fn item(&mut self, depth: usize) -> Result<Cbor, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep);
        }
        let head = self.take(1)?[0];
        let (major, info) = (head >> 5, head & 0x1f);
        Ok(match major {
            0 => Cbor::Unsigned(self.argument(info)?),
            1 => Cbor::Negative(-1 - i128::from(self.argument(info)?)),
            2 => {
                let n = self.length(info)?;
                Cbor::Bytes(self.take(n)?.to_vec())
            }
            3 => {
                let n = self.length(info)?;
                let text =
                    std::str::from_utf8(self.take(n)?).map_err(|_| CborError::Unsupported)?;
                Cbor::Text(text.to_owned())
            }
            4 => {
                let n = self.length(info)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Cbor::Array(items)
            }
            5 => {
                let n = self.length(info)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.item(depth + 1)?;
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Cbor::Map(entries)
            }
            7 => match info {
                20 => Cbor::Bool(false),
                21 => Cbor::Bool(true),
                22 | 23 => Cbor::Null,
                25 => {
                    let b = self.take(2)?;
                    Cbor::Float(f64::from(half_to_f32(u16::from_be_bytes([b[0], b[1]]))))
                }
                26 => {
                    let b = self.take(4)?;
                    Cbor::Float(f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]])))
                }
                27 => {
                    let b = self.take(8)?;
                    Cbor::Float(f64::from_be_bytes([
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                    ]))
                }
                _ => return Err(CborError::Unsupported),
            },
            // Tags (6) carry nothing WebAuthn needs.
            _ => return Err(CborError::Unsupported),
        })
    }
}

/// IEEE 754 half precision to single.
fn half_to_f32(half: u16) -> f32 {
    let sign = if half & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((half >> 10) & 0x1f);
    let fraction = f32::from(half & 0x3ff);
    sign * match exponent {
        0 => fraction * 2f32.powi(-24),
        31 if fraction == 0.0 => f32::INFINITY,
        31 => f32::NAN,
        e => (1.0 + fraction / 1024.0) * 2f32.powi(e - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_every_kind_read_as_rfc_8949_appendix_a_says() {
        let cases: &[(&[u8], Cbor)] = &[
            (&[0x00], Cbor::Unsigned(0)),
            (&[0x18, 0x64], Cbor::Unsigned(100)),
            (&[0x39, 0x03, 0xe7], Cbor::Negative(-1000)),
            (&[0x20], Cbor::Negative(-1)),
            (&[0x44, 1, 2, 3, 4], Cbor::Bytes(vec![1, 2, 3, 4])),
            (&[0x62, 0x49, 0x45], Cbor::Text("IE".into())),
            (&[0xf5], Cbor::Bool(true)),
            (&[0xf6], Cbor::Null),
            (&[0xf9, 0x3c, 0x00], Cbor::Float(1.0)),
            (
                &[0x82, 0x01, 0x82, 0x02, 0x03],
                Cbor::Array(vec![
                    Cbor::Unsigned(1),
                    Cbor::Array(vec![Cbor::Unsigned(2), Cbor::Unsigned(3)]),
                ]),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(&Cbor::read_exact(bytes).unwrap(), expected, "{bytes:02x?}");
        }
    }

    #[test]
    fn a_map_is_read_in_order_and_looked_up_by_key() {
        // {1: 2, -1: 1, "fmt": "none"}
        let bytes = [
            0xa3, 0x01, 0x02, 0x20, 0x01, 0x63, b'f', b'm', b't', 0x64, b'n', b'o', b'n', b'e',
        ];
        let map = Cbor::read_exact(&bytes).unwrap();
        assert_eq!(map.get_int(1), Some(&Cbor::Unsigned(2)));
        assert_eq!(map.get_int(-1), Some(&Cbor::Unsigned(1)));
        assert_eq!(map.get_text("fmt").and_then(Cbor::as_text), Some("none"));
    }

    #[test]
    fn a_prefix_reports_the_bytes_it_took() {
        let (item, used) = Cbor::read_prefix(&[0x01, 0xff, 0xff]).unwrap();
        assert_eq!((item, used), (Cbor::Unsigned(1), 1));
        assert_eq!(Cbor::read_exact(&[0x01, 0x00]), Err(CborError::Unsupported));
    }

    #[test]
    fn malformed_input_is_refused_without_panic_or_large_allocation() {
        let refused: &[&[u8]] = &[
            &[],
            &[0x18],
            &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
            &[0x5f, 0x41, 0x00, 0xff],
            &[0xc0, 0x00],
            &[0x62, 0xff, 0xfe],
            &[0x1c],
        ];
        for bytes in refused {
            assert!(Cbor::read_exact(bytes).is_err(), "{bytes:02x?}");
        }
        let deep = vec![0x81; 64];
        assert_eq!(Cbor::read_prefix(&deep).unwrap_err(), CborError::TooDeep);
    }
}
