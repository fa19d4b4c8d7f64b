//! Secrets as types: they print `<redacted>`, cannot be serialised, and are zeroed when dropped.

use std::fmt;

use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

/// The vault's 32-byte SQLCipher key, used as a raw key (no PBKDF2 on top).
#[derive(Clone, PartialEq, Eq)]
pub struct VaultKey(Zeroizing<[u8; 32]>);

impl VaultKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> VaultKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        VaultKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> VaultKey {
        VaultKey(Zeroizing::new(bytes))
    }

    /// Parses the 64 hex digits a key store keeps.
    pub fn from_hex(text: &str) -> Option<VaultKey> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).ok()?;
        Some(VaultKey(bytes))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SQLCipher pragma value for this raw key: `"x'…'"`.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(self.0.as_ref())))
    }
}

impl fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultKey(<redacted>)")
    }
}

/// A password or passphrase typed by a person.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(text.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters, for the minimum-length rules.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl From<String> for Secret {
    fn from(mut text: String) -> Secret {
        let secret = Secret::new(text.clone());
        text.zeroize();
        secret
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let key = VaultKey::generate();
        let secret = Secret::new("correct horse battery staple");
        let printed = format!("{key:?} {secret:?}");
        assert_eq!(printed, "VaultKey(<redacted>) Secret(<redacted>)");
        assert!(!printed.contains(&*key.to_hex()), "the key must never appear in Debug output");
    }

    #[test]
    fn key_round_trips_through_hex() {
        let key = VaultKey::generate();
        assert_eq!(VaultKey::from_hex(&key.to_hex()), Some(key));
        assert_eq!(VaultKey::from_hex("not hex"), None);
        assert_eq!(VaultKey::from_hex("abcd"), None, "a short key must be refused");
    }
}
