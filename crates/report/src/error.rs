//! What can go wrong making a report, each error saying what to do about it; typst's diagnostics
//! turned into messages with a line and a column.

use std::fmt;

use typst::{
    diag::{Severity, SourceDiagnostic},
    WorldExt,
};

use crate::world::ReportWorld;

/// Why a report was not made; each message ends with what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The template failed on the data it was given: a field it needs is missing or of the
    /// wrong type, or the template itself is wrong. Either way a bug of Greffier's.
    #[error(
        "The {template} report could not be typeset: {}. This is a bug in Greffier, not in your \
         data: please report it with this message.",
        list(.diagnostics)
    )]
    Template { template: &'static str, diagnostics: Vec<Diagnostic> },
    /// The document was laid out but the PDF export refused it.
    #[error(
        "The {template} report was typeset but could not be written as PDF: {}. This is a bug in \
         Greffier: please report it with this message.",
        list(.diagnostics)
    )]
    Pdf { template: &'static str, diagnostics: Vec<Diagnostic> },
    /// The data given to the child process is not JSON.
    #[error("The report's data is not valid JSON ({reason}). Give the JSON that Greffier writes for this report.")]
    Data { reason: String },
    #[error("Could not {action} {path}: {reason}. Check the path, its permissions and that the disk is not full.")]
    Io { action: &'static str, path: String, reason: String },
    /// The child process was started with wrong arguments.
    #[error("{message}. Usage: {USAGE}")]
    Usage { message: String },
    /// The child process failed; its own message, if it printed one, is `stderr`.
    #[error("The report process failed ({status}): {stderr}")]
    Child { status: String, stderr: String },
    /// The child process went past its time limit without progress (a list: without reading a
    /// row or writing a page) and was stopped.
    #[error(
        "The report was stopped after {seconds} seconds without progress. Try again with fewer files \
         (a smaller batch); if it happens with a small one, report it as a bug."
    )]
    TimedOut { seconds: u64 },
    /// The report's PDF could not be written where it was going.
    #[error("Could not write the PDF: {reason}. Check that the disk is not full and that you may write there.")]
    Output { reason: String },
    /// The chunks of a long report could not be joined into one PDF: a bug of Greffier's.
    #[error("The report's pages could not be joined into one PDF ({reason}). This is a bug in Greffier: please report it with this message.")]
    Stitch { reason: String },
    /// The streamed data of a list report is not what the child expects.
    #[error("The report's data is not valid at line {line} ({reason}). Give the JSON Lines that Greffier writes for this report.")]
    Stream { line: u64, reason: String },
    /// A file given as a report to read back is not a PDF Greffier can read.
    #[error("{path} cannot be read as a PDF ({reason}). Give the PDF Greffier wrote, or its CSV.")]
    Unreadable { path: String, reason: String },
}

/// How the child process is called.
pub const USAGE: &str = "greffier-report --template certificate|transfer-slips|due-list|schedule --input DATA|- \
     --output OUT.pdf|- --today YYYY-MM-DD (DATA: JSON for transfer-slips and schedule; for certificate and due-list, \
     JSON Lines: the header, one row per line, an empty line, then optionally an attachment)";

/// One message of typst's about a template, with where it points when it points somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// The template (`certificate.typ`) or `data.json`; `None` when typst names no place.
    pub file: Option<String>,
    /// 1-based, like an editor's.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    pub hints: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(line), Some(column)) => write!(f, "{file}, line {line}, column {column}: ")?,
            (Some(file), _, _) => write!(f, "{file}: ")?,
            _ => {}
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

fn list(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "typst gave no reason".to_owned(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// Typst's errors (warnings dropped), placed in the template or the data.
pub(crate) fn diagnostics(world: &ReportWorld, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    errors.iter().filter(|d| d.severity == Severity::Error).map(|d| diagnostic(world, d)).collect()
}

pub(crate) fn diagnostic(world: &ReportWorld, diagnostic: &SourceDiagnostic) -> Diagnostic {
    let (file, line, column) = place(world, diagnostic);
    Diagnostic {
        message: diagnostic.message.to_string(),
        file,
        line,
        column,
        hints: diagnostic.hints.iter().map(|hint| hint.v.to_string()).collect(),
    }
}

fn place(world: &ReportWorld, diagnostic: &SourceDiagnostic) -> (Option<String>, Option<usize>, Option<usize>) {
    let Some(id) = diagnostic.span.id() else { return (None, None, None) };
    let file = Some(id.vpath().get_without_slash().to_owned());
    let Some(range) = world.range(diagnostic.span) else { return (file, None, None) };
    let main = world.main_source();
    let position = if id == main.id() {
        main.lines().byte_to_line_column(range.start)
    } else if id == world.data_file().0 {
        line_column(world.data_file().1, range.start)
    } else {
        None
    };
    match position {
        Some((line, column)) => (file, Some(line + 1), Some(column + 1)),
        None => (file, None, None),
    }
}

/// The 0-based line and column (in characters) of a byte offset in a UTF-8 file.
fn line_column(bytes: &[u8], offset: usize) -> Option<(usize, usize)> {
    let before = bytes.get(..offset)?;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count();
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count();
    Some((line, column))
}
