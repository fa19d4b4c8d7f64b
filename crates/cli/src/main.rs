//! `greffier`: every vault operation a script or an administrator needs, non-interactive.
//! Exit codes: 0 success, 1 error, 2 bad usage, 3 a check or verification found a problem.

mod args;
mod context;
mod disposition;
mod plan;
mod project;
mod register;
mod report;
mod run;

use std::process::ExitCode;

use clap::Parser;
use greffier_core::{ErrorCode, UserMessage};

#[global_allocator]
static ALLOCATOR: greffier_alloc::Allocator = greffier_alloc::Allocator;

fn main() -> ExitCode {
    restore_sigpipe();
    // Warnings only, without time or module: a line a user can read after the command's output.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .without_time()
        .with_target(false)
        .with_ansi(false)
        .init();
    let cli = args::Cli::parse();
    let lang = context::language(cli.lang);
    match run::run(cli, lang) {
        Ok(run::Outcome::Success) => ExitCode::SUCCESS,
        Ok(run::Outcome::ProblemFound) => ExitCode::from(3),
        Err(error) => {
            eprintln!("{}: {}", lang.pick("erreur", "error"), error.message(lang));
            // The core's messages name no environment variable; on the command line, say which.
            if matches!(
                error.code(),
                ErrorCode::KeyringEntryMissing
                    | ErrorCode::KeyringKeyMismatch
                    | ErrorCode::KeyringUnavailable
                    | ErrorCode::KeyringFailure
                    | ErrorCode::WrongPassphrase
            ) {
                eprintln!(
                    "  {}",
                    lang.pick(
                        "(la phrase de récupération se donne dans GREFFIER_RECOVERY)",
                        "(give the recovery passphrase in GREFFIER_RECOVERY)"
                    )
                );
            }
            eprintln!(
                "  [{}]",
                serde_json::to_value(error.code()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            );
            ExitCode::FAILURE
        }
    }
}

/// Rust ignores SIGPIPE, so `greffier plan list | head` would panic on the closed pipe; a Unix
/// tool should just stop, as the default action does.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
