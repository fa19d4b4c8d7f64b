//! The few cryptographic building blocks the vault uses, all from audited crates:
//! Argon2id to turn a passphrase into a key, XChaCha20-Poly1305 to wrap keys and seal audit
//! details, HMAC-SHA-256 for commitments, SHA-256 for the chain.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::{
    aead::{Aead, KeyInit},
    XChaCha20Poly1305, XNonce,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::Secret;

/// Argon2id parameters, recorded beside whatever they protect so that they can be raised later
/// without losing the ability to open older files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// For the recovery passphrase, typed rarely and guarding everything: 64 MiB, 3 passes.
    pub const RECOVERY: KdfParams = KdfParams { m_cost: 65_536, t_cost: 3, p_cost: 1 };
    /// For users' passwords, typed at every sign-in: OWASP's 19 MiB, 2 passes.
    pub const PASSWORD: KdfParams = KdfParams { m_cost: 19_456, t_cost: 2, p_cost: 1 };

    fn argon2(&self) -> Result<Argon2<'static>, CryptoError> {
        let params =
            Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32)).map_err(|_| CryptoError::BadParameters)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Failures of the primitives. Callers turn them into the error of their own area.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the key-derivation parameters are not valid")]
    BadParameters,
    /// The AEAD tag did not verify: wrong key, or the data was altered.
    #[error("decryption failed: wrong key or altered data")]
    Open,
    #[error("a password could not be hashed")]
    Hash,
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Derives a 32-byte key-encryption key from a passphrase.
pub(crate) fn derive_kek(secret: &Secret, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let mut out = Zeroizing::new([0u8; 32]);
    params
        .argon2()?
        .hash_password_into(secret.expose().as_bytes(), salt, out.as_mut())
        .map_err(|_| CryptoError::BadParameters)?;
    Ok(out)
}

/// A sealed box: 24-byte nonce and ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sealed {
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

pub(crate) fn seal(key: &[u8; 32], plaintext: &[u8]) -> Sealed {
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = random_bytes::<24>();
    // Encryption with a valid key and a fresh nonce cannot fail for in-memory buffers.
    let ciphertext = cipher.encrypt(XNonce::from_slice(&nonce), plaintext).unwrap_or_default();
    Sealed { nonce, ciphertext }
}

pub(crate) fn open(key: &[u8; 32], nonce: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if nonce.len() != 24 {
        return Err(CryptoError::Open);
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher.decrypt(XNonce::from_slice(nonce), ciphertext).map(Zeroizing::new).map_err(|_| CryptoError::Open)
}

pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Hashes a password into a PHC string (Argon2id with its parameters and salt inside).
pub(crate) fn hash_password(password: &Secret, params: KdfParams) -> Result<String, CryptoError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    params
        .argon2()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| CryptoError::Hash)
}

/// Checks a password against a PHC string; any malformed hash is a mismatch.
pub(crate) fn verify_password(password: &Secret, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { m_cost: 256, t_cost: 1, p_cost: 1 };

    #[test]
    fn sealed_boxes_open_only_with_their_key() {
        let key = random_bytes::<32>();
        let sealed = seal(&key, b"before/after");
        assert_eq!(
            open(&key, &sealed.nonce, &sealed.ciphertext).as_deref().map(|v| v.as_slice()),
            Ok(&b"before/after"[..])
        );
        let other = random_bytes::<32>();
        assert_eq!(open(&other, &sealed.nonce, &sealed.ciphertext), Err(CryptoError::Open));
        let mut altered = sealed.ciphertext.clone();
        altered[0] ^= 1;
        assert_eq!(open(&key, &sealed.nonce, &altered), Err(CryptoError::Open), "a flipped bit must be caught");
    }

    #[test]
    fn kek_depends_on_passphrase_salt_and_parameters() {
        let a = derive_kek(&Secret::new("passphrase"), b"salt-salt-salt-1", FAST).expect("derive");
        let again = derive_kek(&Secret::new("passphrase"), b"salt-salt-salt-1", FAST).expect("derive");
        let other_salt = derive_kek(&Secret::new("passphrase"), b"salt-salt-salt-2", FAST).expect("derive");
        let other_pass = derive_kek(&Secret::new("Passphrase"), b"salt-salt-salt-1", FAST).expect("derive");
        let other_cost = derive_kek(&Secret::new("passphrase"), b"salt-salt-salt-1", KdfParams { t_cost: 2, ..FAST })
            .expect("derive");
        assert_eq!(a, again);
        assert_ne!(a, other_salt);
        assert_ne!(a, other_pass);
        assert_ne!(a, other_cost);
    }

    #[test]
    fn password_hashes_verify_and_record_argon2id() {
        let hash = hash_password(&Secret::new("s3cret-enough"), FAST).expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=256,t=1,p=1$"), "{hash}");
        assert!(verify_password(&Secret::new("s3cret-enough"), &hash));
        assert!(!verify_password(&Secret::new("s3cret-enougH"), &hash));
        assert!(!verify_password(&Secret::new("s3cret-enough"), "garbage"));
    }
}
