//! People: users with Argon2id password hashes and an Ed25519 signing key each, wrapped by a key
//! derived from their password, so that only they can sign the events they cause.

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    crypto::{self, KdfParams},
    ErrorCode, Lang, Secret, UserMessage,
};

/// The shortest password a user may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A user's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Archivist,
    AccessOfficer,
    Auditor,
    Clerk,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Administrator, Role::Archivist, Role::AccessOfficer, Role::Auditor, Role::Clerk];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Archivist => "archivist",
            Role::AccessOfficer => "access_officer",
            Role::Auditor => "auditor",
            Role::Clerk => "clerk",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text.trim().to_ascii_lowercase().replace('-', "_"))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Administrator => lang.pick("administrateur", "administrator"),
            Role::Archivist => lang.pick("archiviste", "archivist"),
            Role::AccessOfficer => lang.pick("responsable de l'accès", "access officer"),
            Role::Auditor => lang.pick("auditeur", "auditor"),
            Role::Clerk => lang.pick("commis", "clerk"),
        }
    }
}

/// A user as others see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
}

/// What it takes to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: Secret,
}

/// A signed-in user: who they are, and their signing key, unwrapped by their password.
/// The key is zeroed when the session is dropped.
pub struct Session {
    pub(crate) user: User,
    pub(crate) key: SigningKey,
}

impl Session {
    pub fn user(&self) -> &User {
        &self.user
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("user", &self.user).field("key", &"<redacted>").finish()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("Wrong user name or password. Check both and try again; after several failures, ask an administrator to reset your password.")]
    InvalidCredentials,
    #[error("The account {username} is deactivated. Ask an administrator to reactivate it.")]
    AccountDisabled { username: String },
    #[error("The user name {username} is already taken. Choose another one.")]
    UsernameTaken { username: String },
    #[error("The user name \"{username}\" is not valid: use 2 to 64 letters, digits, dots, dashes or underscores.")]
    UsernameInvalid { username: String },
    #[error("The password is too short: use at least {min} characters.")]
    PasswordTooShort { min: usize },
    #[error("No user is named {username}. Check the spelling with `greffier user list`.")]
    UnknownUser { username: String },
    #[error("The signing key of {username} cannot be unwrapped: their key record is damaged. An administrator can reset their password to give them a new key.")]
    SigningKeyDamaged { username: String },
    #[error(
        "This would leave the vault without an active administrator. Give another user the administrator role first."
    )]
    LastAdministrator,
}

impl UserMessage for AuthError {
    fn code(&self) -> ErrorCode {
        match self {
            AuthError::InvalidCredentials => ErrorCode::InvalidCredentials,
            AuthError::AccountDisabled { .. } => ErrorCode::AccountDisabled,
            AuthError::UsernameTaken { .. } => ErrorCode::UsernameTaken,
            AuthError::UsernameInvalid { .. } => ErrorCode::UsernameInvalid,
            AuthError::PasswordTooShort { .. } => ErrorCode::PasswordTooShort,
            AuthError::UnknownUser { .. } => ErrorCode::UnknownUser,
            AuthError::SigningKeyDamaged { .. } => ErrorCode::SigningKeyDamaged,
            AuthError::LastAdministrator => ErrorCode::LastAdministrator,
        }
    }
    fn french(&self) -> String {
        match self {
            AuthError::InvalidCredentials => "Nom d'utilisateur ou mot de passe erroné. Vérifiez les deux et réessayez ; après plusieurs échecs, demandez à un administrateur de réinitialiser votre mot de passe.".into(),
            AuthError::AccountDisabled { username } => format!("Le compte {username} est désactivé. Demandez à un administrateur de le réactiver."),
            AuthError::UsernameTaken { username } => format!("Le nom d'utilisateur {username} est déjà pris. Choisissez-en un autre."),
            AuthError::UsernameInvalid { username } => format!("Le nom d'utilisateur « {username} » n'est pas valide : utilisez de 2 à 64 lettres, chiffres, points, tirets ou traits de soulignement."),
            AuthError::PasswordTooShort { min } => format!("Le mot de passe est trop court : utilisez au moins {min} caractères."),
            AuthError::UnknownUser { username } => format!("Aucun utilisateur ne s'appelle {username}. Vérifiez l'orthographe avec `greffier user list`."),
            AuthError::SigningKeyDamaged { username } => format!("La clé de signature de {username} ne peut être déballée : son enregistrement est endommagé. Un administrateur peut réinitialiser son mot de passe pour lui donner une nouvelle clé."),
            AuthError::LastAdministrator => "Le coffre se retrouverait sans administrateur actif. Donnez d'abord le rôle d'administrateur à un autre utilisateur.".into(),
        }
    }
}

pub(crate) fn validate_username(username: &str) -> Result<(), AuthError> {
    let ok = (2..=64).contains(&username.chars().count())
        && username.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::UsernameInvalid { username: username.to_owned() })
    }
}

pub(crate) fn validate_password(password: &Secret) -> Result<(), AuthError> {
    if password.char_len() < MIN_PASSWORD_CHARS {
        Err(AuthError::PasswordTooShort { min: MIN_PASSWORD_CHARS })
    } else {
        Ok(())
    }
}

const USER_COLUMNS: &str = "id, username, display_name, role, active, created_at";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: UserId(row.get(0)?),
        username: row.get(1)?,
        display_name: row.get(2)?,
        // The table's CHECK constraint only admits known roles.
        role: Role::parse(&role).unwrap_or(Role::Clerk),
        active: row.get(4)?,
        created_at: row.get(5)?,
    })
}

pub(crate) fn find(conn: &Connection, username: &str) -> rusqlite::Result<Option<(User, String)>> {
    conn.query_row(&format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?1"), [username], |row| {
        Ok((user_from_row(row)?, row.get(6)?))
    })
    .optional()
}

pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"))?;
    let users = stmt.query_map([], user_from_row)?.collect();
    users
}

pub(crate) fn active_administrators(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'administrator' AND active = 1", [], |row| row.get(0))
}

/// Inserts a user and a fresh signing key wrapped under their password. Returns the public key,
/// which the caller records in the audit event that introduces it.
pub(crate) fn insert(
    conn: &Connection,
    new: &NewUser,
    params: KdfParams,
    now: &str,
) -> Result<(User, [u8; 32]), crate::Error> {
    validate_username(&new.username)?;
    validate_password(&new.password)?;
    if find(conn, &new.username)?.is_some() {
        return Err(AuthError::UsernameTaken { username: new.username.clone() }.into());
    }
    let hash = crypto::hash_password(&new.password, params).map_err(|_| AuthError::InvalidCredentials)?;
    let display_name =
        if new.display_name.trim().is_empty() { new.username.clone() } else { new.display_name.trim().to_owned() };
    conn.execute(
        "INSERT INTO users (username, display_name, role, password_hash, active, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
        params![new.username, display_name, new.role.as_str(), hash, now],
    )?;
    let id = conn.last_insert_rowid();
    let public = add_key(conn, id, &new.password, params, now)?;
    let user = User {
        id: UserId(id),
        username: new.username.clone(),
        display_name,
        role: new.role,
        active: true,
        created_at: now.to_owned(),
    };
    Ok((user, public))
}

/// Gives a user a new signing key, retiring the one they had.
pub(crate) fn add_key(
    conn: &Connection,
    user_id: i64,
    password: &Secret,
    params: KdfParams,
    now: &str,
) -> Result<[u8; 32], crate::Error> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    conn.execute(
        "UPDATE user_keys SET retired_at = ?2 WHERE user_id = ?1 AND retired_at IS NULL",
        params![user_id, now],
    )?;
    store_key(conn, user_id, &key, password, params, now, None)?;
    Ok(key.verifying_key().to_bytes())
}

/// Wraps `key` under `password`; replaces the wrapping of an existing row when `row` is given.
fn store_key(
    conn: &Connection,
    user_id: i64,
    key: &SigningKey,
    password: &Secret,
    params: KdfParams,
    now: &str,
    row: Option<i64>,
) -> Result<(), crate::Error> {
    let salt = crypto::random_bytes::<16>();
    let kek = crypto::derive_kek(password, &salt, params).map_err(|_| AuthError::InvalidCredentials)?;
    let sealed = crypto::seal(&kek, key.as_bytes());
    match row {
        None => conn.execute(
            "INSERT INTO user_keys (user_id, public_key, kdf_salt, kdf_m_cost, kdf_t_cost, kdf_p_cost, nonce, wrapped_secret, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![user_id, key.verifying_key().to_bytes().to_vec(), salt.to_vec(), params.m_cost, params.t_cost, params.p_cost, sealed.nonce.to_vec(), sealed.ciphertext, now],
        )?,
        Some(row) => conn.execute(
            "UPDATE user_keys SET kdf_salt = ?2, kdf_m_cost = ?3, kdf_t_cost = ?4, kdf_p_cost = ?5, nonce = ?6, wrapped_secret = ?7 WHERE id = ?1",
            params![row, salt.to_vec(), params.m_cost, params.t_cost, params.p_cost, sealed.nonce.to_vec(), sealed.ciphertext],
        )?,
    };
    Ok(())
}

/// Unwraps the user's current signing key with their password.
pub(crate) fn unwrap_key(conn: &Connection, user: &User, password: &Secret) -> Result<(i64, SigningKey), crate::Error> {
    let damaged = || AuthError::SigningKeyDamaged { username: user.username.clone() };
    struct KeyRow {
        id: i64,
        public: Vec<u8>,
        salt: Vec<u8>,
        params: KdfParams,
        nonce: Vec<u8>,
        wrapped: Vec<u8>,
    }
    let row = conn
        .query_row(
            "SELECT id, public_key, kdf_salt, kdf_m_cost, kdf_t_cost, kdf_p_cost, nonce, wrapped_secret
             FROM user_keys WHERE user_id = ?1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
            [user.id.0],
            |row| {
                Ok(KeyRow {
                    id: row.get(0)?,
                    public: row.get(1)?,
                    salt: row.get(2)?,
                    params: KdfParams { m_cost: row.get(3)?, t_cost: row.get(4)?, p_cost: row.get(5)? },
                    nonce: row.get(6)?,
                    wrapped: row.get(7)?,
                })
            },
        )
        .optional()?;
    let KeyRow { id: row_id, public, salt, params, nonce, wrapped } = row.ok_or_else(damaged)?;
    let kek = crypto::derive_kek(password, &salt, params).map_err(|_| damaged())?;
    let secret = crypto::open(&kek, &nonce, &wrapped).map_err(|_| damaged())?;
    let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| damaged())?;
    let key = SigningKey::from_bytes(&bytes);
    if key.verifying_key().to_bytes().as_slice() != public.as_slice() {
        return Err(damaged().into());
    }
    Ok((row_id, key))
}

/// Re-wraps the user's current key under a new password (a change by the user, who knows the old one).
pub(crate) fn rewrap_key(
    conn: &Connection,
    user_id: i64,
    row: i64,
    key: &SigningKey,
    password: &Secret,
    params: KdfParams,
    now: &str,
) -> Result<(), crate::Error> {
    store_key(conn, user_id, key, password, params, now, Some(row))
}

pub(crate) fn set_password_hash(
    conn: &Connection,
    user_id: i64,
    password: &Secret,
    params: KdfParams,
    now: &str,
) -> Result<(), crate::Error> {
    let hash = crypto::hash_password(password, params).map_err(|_| AuthError::InvalidCredentials)?;
    conn.execute("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", params![user_id, hash, now])?;
    Ok(())
}

/// Spends the time of a password check when the user does not exist, so that timing does not
/// tell which user names exist.
pub(crate) fn dummy_verify(password: &Secret, params: KdfParams) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    // Hashed once per process, so each later call costs one Argon2 run, like a real check.
    if let Some(hash) = DUMMY.get_or_init(|| crypto::hash_password(&Secret::new("dummy password"), params).ok()) {
        let _ = crypto::verify_password(password, hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_checked() {
        assert!(validate_username("marie.tremblay").is_ok());
        assert!(validate_username("hélène_côté").is_ok(), "accented names are people's names");
        assert!(validate_username("a").is_err());
        assert!(validate_username("two words").is_err());
        assert!(validate_username("semi;colon").is_err());
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("access-officer"), Some(Role::AccessOfficer));
        assert_eq!(Role::parse("superuser"), None);
    }
}
