//! The one error that crosses into the webview: a stable code the UI switches on and a message
//! already in the user's language. Never a key or a passphrase.

use greffier_core::{ErrorCode, Lang, UserMessage};
use serde::Serialize;

/// Failures of the shell itself (no vault open, an operation already running…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShellCode {
    NotUnlocked,
    NotSignedIn,
    Busy,
    DialogUnavailable,
    Internal,
}

impl ShellCode {
    fn message(self, lang: Lang) -> &'static str {
        match self {
            ShellCode::NotUnlocked => lang
                .pick("Le coffre est verrouillé. Déverrouillez-le d'abord.", "The vault is locked. Unlock it first."),
            ShellCode::NotSignedIn => {
                lang.pick("Personne n'est connecté. Connectez-vous d'abord.", "Nobody is signed in. Sign in first.")
            }
            ShellCode::Busy => lang.pick(
                "Une autre opération est en cours. Attendez qu'elle se termine, puis réessayez.",
                "Another operation is running. Wait for it to finish, then try again.",
            ),
            ShellCode::DialogUnavailable => lang.pick(
                "La fenêtre de choix de fichier n'a pas pu s'ouvrir. Saisissez le chemin à la main.",
                "The file chooser could not open. Type the path instead.",
            ),
            ShellCode::Internal => lang.pick(
                "Erreur interne de Greffier. Réessayez ; si elle persiste, signalez-la.",
                "Greffier failed internally. Try again; if it persists, report it.",
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Code {
    Core(ErrorCode),
    Shell(ShellCode),
}

#[derive(Debug, Clone, Serialize)]
pub struct CommandError {
    pub code: Code,
    pub message: String,
}

impl CommandError {
    pub fn core(error: &impl UserMessage, lang: Lang) -> CommandError {
        CommandError { code: Code::Core(error.code()), message: error.message(lang) }
    }

    pub fn shell(code: ShellCode, lang: Lang) -> CommandError {
        CommandError { code: Code::Shell(code), message: code.message(lang).to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_flat_for_the_ui() {
        let core = CommandError::core(&greffier_core::AuthError::InvalidCredentials, Lang::En);
        let json = serde_json::to_value(&core).expect("json");
        assert_eq!(json["code"], "invalid_credentials");
        assert!(json["message"].as_str().is_some_and(|m| m.starts_with("Wrong user name")));
        let shell = serde_json::to_value(CommandError::shell(ShellCode::NotSignedIn, Lang::Fr)).expect("json");
        assert_eq!(shell["code"], "not_signed_in");
        assert!(shell["message"].as_str().is_some_and(|m| m.contains("Connectez-vous")));
    }
}
