//! The one error that crosses into the webview: a stable code the UI switches on and a message
//! already in the user's language. Never a key or a passphrase.

use greffier_core::{ErrorCode, Lang, UserMessage};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn from_core(error: &greffier_core::Error, lang: Lang) -> CommandError {
        CommandError { code: error.code(), message: error.message(lang) }
    }
}
