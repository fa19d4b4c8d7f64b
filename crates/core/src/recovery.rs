//! The recovery file beside the database: the vault key wrapped by the recovery passphrase, so the
//! vault opens where no keyring holds the key. Its clear-text fields reveal nothing about the key.

use std::path::Path;

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde::{Deserialize, Serialize};

use crate::{
    crypto::{self, KdfParams},
    fsutil, IoError, Secret, VaultKey,
};

const FORMAT: u32 = 1;
const KEY_CHECK_LABEL: &[u8] = b"greffier key check v1";

/// The recovery file, as stored (JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct RecoveryFile {
    pub format: u32,
    pub vault_id: String,
    pub kdf: KdfSpec,
    /// The key the database is encrypted with.
    pub current: WrappedKey,
    /// During a key rotation, the key the database is moving to; the vault opens with either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<WrappedKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct KdfSpec {
    pub algorithm: String,
    #[serde(flatten)]
    pub params: KdfParams,
    pub salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct WrappedKey {
    pub nonce: String,
    pub ciphertext: String,
    /// A truncated HMAC of a fixed label under the key: tells which key opens the database
    /// without trying it, and tells a stale keyring entry from a damaged file.
    pub key_check: String,
}

/// The passphrase did not unwrap the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WrongPassphrase;

/// What a correct passphrase unwraps.
pub(crate) struct Unwrapped {
    pub current: VaultKey,
    pub pending: Option<VaultKey>,
    pub kek: zeroize::Zeroizing<[u8; 32]>,
}

pub(crate) fn key_check(key: &VaultKey) -> String {
    hex::encode(&crypto::hmac_sha256(key.as_bytes(), KEY_CHECK_LABEL)[..16])
}

impl WrappedKey {
    fn wrap(kek: &[u8; 32], key: &VaultKey) -> WrappedKey {
        let sealed = crypto::seal(kek, key.as_bytes());
        WrappedKey {
            nonce: B64.encode(sealed.nonce),
            ciphertext: B64.encode(sealed.ciphertext),
            key_check: key_check(key),
        }
    }

    fn unwrap(&self, kek: &[u8; 32]) -> Result<VaultKey, WrongPassphrase> {
        let nonce = B64.decode(&self.nonce).map_err(|_| WrongPassphrase)?;
        let ciphertext = B64.decode(&self.ciphertext).map_err(|_| WrongPassphrase)?;
        let plain = crypto::open(kek, &nonce, &ciphertext).map_err(|_| WrongPassphrase)?;
        let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| WrongPassphrase)?;
        Ok(VaultKey::from_bytes(bytes))
    }
}

impl RecoveryFile {
    /// Wraps `key` under a new salt derived from `passphrase`.
    pub fn new(
        vault_id: &str,
        key: &VaultKey,
        passphrase: &Secret,
        params: KdfParams,
    ) -> Result<RecoveryFile, crypto::CryptoError> {
        let salt = crypto::random_bytes::<16>();
        let kek = crypto::derive_kek(passphrase, &salt, params)?;
        Ok(RecoveryFile {
            format: FORMAT,
            vault_id: vault_id.to_owned(),
            kdf: KdfSpec { algorithm: "argon2id".into(), params, salt: B64.encode(salt) },
            current: WrappedKey::wrap(&kek, key),
            pending: None,
        })
    }

    pub fn derive_kek(&self, passphrase: &Secret) -> Result<zeroize::Zeroizing<[u8; 32]>, WrongPassphrase> {
        if self.kdf.algorithm != "argon2id" {
            return Err(WrongPassphrase);
        }
        let salt = B64.decode(&self.kdf.salt).map_err(|_| WrongPassphrase)?;
        crypto::derive_kek(passphrase, &salt, self.kdf.params).map_err(|_| WrongPassphrase)
    }

    pub fn unwrap(&self, passphrase: &Secret) -> Result<Unwrapped, WrongPassphrase> {
        let kek = self.derive_kek(passphrase)?;
        let current = self.current.unwrap(&kek)?;
        let pending = match &self.pending {
            Some(wrapped) => Some(wrapped.unwrap(&kek)?),
            None => None,
        };
        Ok(Unwrapped { current, pending, kek })
    }

    /// Starts a rotation: the new key is recorded as pending, wrapped under the same passphrase.
    pub fn with_pending(&self, kek: &[u8; 32], key: &VaultKey) -> RecoveryFile {
        RecoveryFile { pending: Some(WrappedKey::wrap(kek, key)), ..self.clone() }
    }

    /// Which of the recorded keys `key` is, if any.
    pub fn recognises(&self, key: &VaultKey) -> bool {
        let check = key_check(key);
        self.current.key_check == check || self.pending.as_ref().is_some_and(|p| p.key_check == check)
    }

    pub fn load(path: &Path) -> Result<Option<RecoveryFile>, IoError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(IoError::new("read", path, e)),
        };
        Ok(serde_json::from_slice::<RecoveryFile>(&bytes).ok().filter(|file| file.format == FORMAT))
    }

    pub fn save(&self, path: &Path) -> Result<(), IoError> {
        let mut text = serde_json::to_vec_pretty(self).unwrap_or_default();
        text.push(b'\n');
        fsutil::write_atomic(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { m_cost: 256, t_cost: 1, p_cost: 1 };

    #[test]
    fn wraps_and_unwraps_with_the_passphrase_only() {
        let key = VaultKey::generate();
        let file = RecoveryFile::new("v1", &key, &Secret::new("a long recovery phrase"), FAST).expect("wrap");
        let unwrapped = file.unwrap(&Secret::new("a long recovery phrase")).expect("unwrap");
        assert_eq!(unwrapped.current, key);
        assert!(unwrapped.pending.is_none());
        assert!(file.unwrap(&Secret::new("a long recovery phrasE")).is_err(), "a wrong passphrase must not unwrap");
        assert!(file.recognises(&key));
        assert!(!file.recognises(&VaultKey::generate()));
    }

    #[test]
    fn the_file_holds_no_key_material_in_clear() {
        let key = VaultKey::generate();
        let file = RecoveryFile::new("v1", &key, &Secret::new("a long recovery phrase"), FAST).expect("wrap");
        let text = serde_json::to_string(&file).expect("json");
        assert!(!text.contains(key.to_hex().as_str()));
        assert!(text.contains("\"algorithm\":\"argon2id\""), "parameters are recorded: {text}");
        assert!(text.contains("\"m_cost\":256"), "{text}");
    }

    #[test]
    fn a_rotation_keeps_both_keys_until_settled() {
        let old = VaultKey::generate();
        let new = VaultKey::generate();
        let passphrase = Secret::new("a long recovery phrase");
        let file = RecoveryFile::new("v1", &old, &passphrase, FAST).expect("wrap");
        let kek = file.derive_kek(&passphrase).expect("kek");
        let rotating = file.with_pending(&kek, &new);
        let both = rotating.unwrap(&passphrase).expect("unwrap");
        assert_eq!((both.current, both.pending), (old.clone(), Some(new.clone())));
        assert!(rotating.recognises(&old) && rotating.recognises(&new));
    }
}
