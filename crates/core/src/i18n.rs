//! The two languages Greffier speaks, and the contract every user-facing error honours.
//!
//! English messages are the errors' `Display` (thiserror); French ones sit next to them in a
//! `french()` method, so both languages of a message are read and reviewed together.

use serde::{Deserialize, Serialize};

/// The language of messages shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Quebec French, the default.
    #[default]
    Fr,
    En,
}

impl Lang {
    /// Reads a code such as `fr`, `en`, `fr_CA.UTF-8` or `en-CA`; anything else is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        let lower = code.trim().to_ascii_lowercase();
        if lower.starts_with("fr") {
            Some(Lang::Fr)
        } else if lower.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks one of two texts.
    pub fn pick<T>(self, fr: T, en: T) -> T {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// An error a person may read: a stable code for programs, a message in their language.
pub trait UserMessage: std::fmt::Display {
    /// The stable code the UI switches on.
    fn code(&self) -> crate::ErrorCode;
    /// The message in French.
    fn french(&self) -> String;
    /// The message in the given language.
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.french(),
            Lang::En => self.to_string(),
        }
    }
}
