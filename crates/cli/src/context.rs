//! What every command needs: the vault folder, the key store, secrets from the environment, and
//! the one way to open the vault and sign in.

use std::{
    io::BufRead,
    path::PathBuf,
    sync::{Arc, OnceLock},
};

use greffier_core::{
    ErrorCode, KdfProfile, KeyStore, KeyStoreError, Lang, NoKeyStore, Secret, Session, SystemClock, Unlock,
    UserMessage, Vault, VaultEnv,
};

use crate::args::LangArg;

/// Errors of the command line itself; the core's pass through.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] greffier_core::Error),
    #[error("This command needs the acting user: pass --user NAME (or set GREFFIER_USER).")]
    MissingUser,
    #[error("This command needs {var} to be set in the environment.")]
    MissingSecret { var: &'static str },
    #[error("Could not read the password from standard input: {0}.")]
    Stdin(String),
    #[error("Could not write {path}: {reason}.")]
    Write { path: String, reason: String },
    #[error("Could not read {path}: {reason}. Check the path and that you may read the file.")]
    Read { path: String, reason: String },
    /// A value given on the command line that cannot be used.
    #[error("{en}")]
    Usage { en: String, fr: String },
}

impl UserMessage for CliError {
    fn code(&self) -> ErrorCode {
        match self {
            CliError::Core(e) => e.code(),
            CliError::MissingUser => ErrorCode::MissingUser,
            CliError::MissingSecret { .. } => ErrorCode::MissingSecret,
            CliError::Stdin(_) | CliError::Write { .. } | CliError::Read { .. } => ErrorCode::Io,
            CliError::Usage { .. } => ErrorCode::InvalidArgument,
        }
    }
    fn french(&self) -> String {
        match self {
            CliError::Core(e) => e.french(),
            CliError::MissingUser => {
                "Cette commande a besoin de l'utilisateur qui agit : passez --user NOM (ou définissez GREFFIER_USER)."
                    .into()
            }
            CliError::MissingSecret { var } => {
                format!("Cette commande a besoin que {var} soit défini dans l'environnement.")
            }
            CliError::Stdin(e) => format!("Impossible de lire le mot de passe sur l'entrée standard : {e}."),
            CliError::Write { path, reason } => format!("Impossible d'écrire {path} : {reason}."),
            CliError::Usage { fr, .. } => fr.clone(),
            CliError::Read { path, reason } => {
                format!("Impossible de lire {path} : {reason}. Vérifiez le chemin et que vous pouvez lire le fichier.")
            }
        }
    }
}

impl From<KeyStoreError> for CliError {
    fn from(e: KeyStoreError) -> CliError {
        CliError::Core(e.into())
    }
}

/// The language: --lang, else the locale, else French.
pub fn language(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Fr) => Lang::Fr,
        Some(LangArg::En) => Lang::En,
        None => ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find_map(|value| Lang::parse(&value))
            .unwrap_or_default(),
    }
}

pub struct Context {
    pub vault_dir: PathBuf,
    pub user: Option<String>,
    pub password_stdin: bool,
    pub json: bool,
    pub lang: Lang,
    pub env: VaultEnv,
    /// Whether an OS keyring answered.
    pub keyring: bool,
    password: OnceLock<Secret>,
}

impl Context {
    pub fn new(vault: Option<PathBuf>, user: Option<String>, password_stdin: bool, json: bool, lang: Lang) -> Context {
        let (keystore, keyring): (Arc<dyn KeyStore>, bool) = match greffier_keystore::from_env() {
            Ok(store) => (Arc::new(store), true),
            Err(reason) => {
                eprintln!(
                    "{}",
                    lang.pick(
                        format!("note : aucun trousseau du système ({reason}) ; la phrase de récupération (GREFFIER_RECOVERY) sert à ouvrir le coffre."),
                        format!("note: no OS keyring ({reason}); the recovery passphrase (GREFFIER_RECOVERY) is used to open the vault."),
                    )
                );
                (Arc::new(NoKeyStore { reason }), false)
            }
        };
        Context {
            vault_dir: vault.unwrap_or_else(greffier_core::vault::default_dir),
            user,
            password_stdin,
            json,
            lang,
            env: VaultEnv { keystore, clock: Arc::new(SystemClock), kdf: KdfProfile::STANDARD },
            keyring,
            password: OnceLock::new(),
        }
    }

    pub fn secret(var: &'static str) -> Option<Secret> {
        std::env::var(var).ok().filter(|v| !v.is_empty()).map(Secret::from)
    }

    pub fn require_secret(var: &'static str) -> Result<Secret, CliError> {
        Context::secret(var).ok_or(CliError::MissingSecret { var })
    }

    pub fn username(&self) -> Result<&str, CliError> {
        self.user.as_deref().ok_or(CliError::MissingUser)
    }

    /// The acting user's password: from standard input with --password-stdin, else GREFFIER_PASSWORD.
    pub fn password(&self) -> Result<Secret, CliError> {
        if let Some(password) = self.password.get() {
            return Ok(password.clone());
        }
        let password = if self.password_stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::Stdin(e.to_string()))?;
            Secret::from(line.trim_end_matches(['\r', '\n']).to_owned())
        } else {
            Context::require_secret("GREFFIER_PASSWORD")?
        };
        Ok(self.password.get_or_init(|| password).clone())
    }

    /// How to unlock: the keyring when it answers, else the recovery passphrase.
    pub fn unlock_options(&self) -> Vec<Unlock> {
        let mut options = Vec::new();
        if self.keyring {
            options.push(Unlock::KeyStore);
        }
        if let Some(passphrase) = Context::secret("GREFFIER_RECOVERY") {
            options.push(Unlock::Passphrase(passphrase));
        }
        options
    }

    /// Opens the vault: through the keyring first, then with the recovery passphrase when the
    /// keyring has no usable key for it.
    pub fn open(&self) -> Result<Vault, CliError> {
        let mut options = self.unlock_options().into_iter().peekable();
        if options.peek().is_none() {
            return Err(if self.keyring {
                CliError::MissingSecret { var: "GREFFIER_RECOVERY" }
            } else {
                greffier_core::Error::from(greffier_core::KeyStoreError::Unavailable {
                    reason: "GREFFIER_RECOVERY is not set".into(),
                })
                .into()
            });
        }
        let mut last = None;
        for unlock in options {
            let via_keyring = matches!(unlock, Unlock::KeyStore);
            match Vault::open(&self.vault_dir, unlock, &self.env) {
                Ok(mut vault) => {
                    // The fill of a search index made anew (after an upgrade or a restore) takes
                    // tens of seconds at a million files, in whatever first uses the index.
                    let bar =
                        crate::run::bar(self.lang, "Préparation de l’index de recherche", "Preparing the search index");
                    vault.on_index_progress(move |done, total| {
                        bar.set_length(total);
                        bar.set_position(done);
                        if done >= total {
                            bar.finish_and_clear();
                        }
                    });
                    return Ok(vault);
                }
                Err(e) if via_keyring && keyring_miss(&e) => last = Some(e),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.map(CliError::from).unwrap_or(CliError::MissingSecret { var: "GREFFIER_RECOVERY" }))
    }

    /// Opens the vault and signs the acting user in.
    pub fn open_session(&self) -> Result<(Vault, Session), CliError> {
        let vault = self.open()?;
        let session = vault.sign_in(self.username()?, &self.password()?)?;
        Ok((vault, session))
    }
}

/// The keyring could not give the key; the recovery passphrase may still open the vault.
fn keyring_miss(error: &greffier_core::Error) -> bool {
    matches!(
        error.code(),
        ErrorCode::KeyringEntryMissing
            | ErrorCode::KeyringKeyMismatch
            | ErrorCode::KeyringUnavailable
            | ErrorCode::KeyringFailure
    )
}
