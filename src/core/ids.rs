//! Identifier and secret generation (AKIA…/ASIA…/AROA… ids, 40-character
//! secrets, request ids). Randomness is a parameter.

use crate::core::Random;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The AWS unique-id prefixes stsgate issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    LongTermKey,
    TemporaryKey,
    Role,
    User,
    Group,
    Policy,
}

impl IdKind {
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::LongTermKey => "AKIA",
            IdKind::TemporaryKey => "ASIA",
            IdKind::Role => "AROA",
            IdKind::User => "AIDA",
            IdKind::Group => "AGPA",
            IdKind::Policy => "ANPA",
        }
    }
}

/// A 20-character id: four-letter prefix and 16 base32 characters, as AWS's.
pub fn new_id(kind: IdKind, rng: &mut dyn Random) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    let mut id = String::with_capacity(20);
    id.push_str(kind.prefix());
    id.extend(bytes.iter().map(|b| BASE32[(b & 31) as usize] as char));
    id
}

/// A 40-character secret access key from the base64 alphabet (240 bits).
pub fn new_secret(rng: &mut dyn Random) -> String {
    let mut bytes = [0u8; 40];
    rng.fill(&mut bytes);
    bytes
        .iter()
        .map(|b| SECRET_ALPHABET[(b & 63) as usize] as char)
        .collect()
}

/// A request id shaped like AWS's (UUID v4 text).
pub fn request_id(rng: &mut dyn Random) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Deterministic counter-based randomness for tests.
    pub struct Counter(pub u8);

    impl Random for Counter {
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf {
                *b = self.0;
                self.0 = self.0.wrapping_add(1);
            }
        }
    }

    #[test]
    fn ids_have_aws_shapes() {
        let mut rng = Counter(0);
        let akid = new_id(IdKind::LongTermKey, &mut rng);
        assert_eq!(akid.len(), 20);
        assert!(akid.starts_with("AKIA"));
        assert!(akid[4..].bytes().all(|b| BASE32.contains(&b)));
        assert!(new_id(IdKind::TemporaryKey, &mut rng).starts_with("ASIA"));
        let secret = new_secret(&mut rng);
        assert_eq!(secret.len(), 40);
        let rid = request_id(&mut rng);
        assert_eq!(rid.len(), 36);
        assert_eq!(&rid[14..15], "4");
    }
}
