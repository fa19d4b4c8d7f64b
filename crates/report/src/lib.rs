//! Greffier's PDF reports, typeset by Typst used as a library, fully offline: the templates are
//! compiled into the binary (`templates/*.typ`), the fonts come from typst-assets, the data
//! arrives as a JSON file the template reads (`json("data.json")`), and the report's date is
//! passed in. Memory is not given back after a render and a long list takes hundreds of MB
//! (BUILD-NOTES.md): the desktop renders in a child process ([`run_child`]); the CLI, a
//! short-lived process, may render in its own.

use std::{path::PathBuf, sync::OnceLock};

use chrono::Datelike;
use typst::{
    diag::{FileError, FileResult, Severity, SourceDiagnostic},
    foundations::{Bytes, Datetime},
    syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
    Library, LibraryExt, World,
};
use typst_layout::PagedDocument;

/// A report Greffier can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The destruction certificate of an executed batch.
    Certificate,
    /// The transfer slips of an executed transfer batch, one per box: `{ "lang", "slips": [...] }`.
    TransferSlips,
}

impl Template {
    pub fn name(self) -> &'static str {
        match self {
            Template::Certificate => "certificate",
            Template::TransferSlips => "transfer-slips",
        }
    }

    pub fn parse(name: &str) -> Option<Template> {
        match name {
            "certificate" => Some(Template::Certificate),
            "transfer-slips" => Some(Template::TransferSlips),
            _ => None,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Template::Certificate => include_str!("../templates/certificate.typ"),
            Template::TransferSlips => include_str!("../templates/transfer-slips.typ"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("The report template “{template}” failed at line {line}, column {column}: {message}. Report this as a bug; the data was: {hint}.")]
    Template { template: &'static str, line: usize, column: usize, message: String, hint: String },
    #[error("The report could not be written as PDF: {message}.")]
    Pdf { message: String },
    #[error("The report's data is not valid JSON: {0}.")]
    Data(String),
    #[error("Could not {action} {path}: {reason}. Check the path and that the disk is not full.")]
    Io { action: &'static str, path: String, reason: String },
    #[error("{0}")]
    Usage(String),
}

/// The bundled fonts, loaded once.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path).ok().map(|vpath| FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// The world a report is compiled in: its template, its data, the fonts, the date. Nothing
/// else: imports of packages or of other files answer "not found".
struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: NaiveDate,
}

use chrono::NaiveDate;

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}

fn describe(world: &ReportWorld, template: Template, diagnostics: &[SourceDiagnostic]) -> ReportError {
    let first = diagnostics.iter().find(|d| d.severity == Severity::Error).or(diagnostics.first());
    let Some(diagnostic) = first else {
        return ReportError::Pdf { message: "unknown failure".into() };
    };
    let (line, column) = typst::WorldExt::range(world, diagnostic.span)
        .and_then(|range| world.main.lines().byte_to_line_column(range.start))
        .map(|(line, column)| (line + 1, column + 1))
        .unwrap_or((0, 0));
    let hint = diagnostic.hints.iter().map(|h| h.v.to_string()).collect::<Vec<_>>().join("; ");
    ReportError::Template {
        template: template.name(),
        line,
        column,
        message: diagnostic.message.to_string(),
        hint: if hint.is_empty() { "see the message".into() } else { hint },
    }
}

/// Renders a report as PDF from its data, dated `today`.
pub fn render(template: Template, data: &serde_json::Value, today: NaiveDate) -> Result<Vec<u8>, ReportError> {
    let main_id = file_id(&format!("/{}.typ", template.name()))
        .ok_or_else(|| ReportError::Pdf { message: "the template's path is invalid".into() })?;
    let data_id = file_id("/data.json").ok_or_else(|| ReportError::Pdf { message: "invalid data path".into() })?;
    let data = serde_json::to_vec(data).map_err(|e| ReportError::Data(e.to_string()))?;
    let world = ReportWorld {
        main: Source::new(main_id, template.source().to_owned()),
        data_id,
        data: Bytes::new(data),
        today,
    };
    let document: PagedDocument =
        typst::compile(&world).output.map_err(|errors| describe(&world, template, &errors))?;
    let datetime = Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8);
    let options = typst_pdf::PdfOptions {
        // Tagged PDF makes files about 15 times larger (BUILD-NOTES.md).
        tagged: false,
        timestamp: datetime.map(typst_pdf::Timestamp::new_utc),
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| describe(&world, template, &errors))
}

/// The child process's entry: `--template NAME --input DATA.json --output OUT.pdf --today
/// YYYY-MM-DD`; `-` for standard input or output, so the data (which names files and people)
/// never has to touch the disk in clear.
pub fn run_child(args: &[String]) -> Result<(), ReportError> {
    let value = |name: &str| -> Result<&str, ReportError> {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str).ok_or_else(|| {
            ReportError::Usage(format!("missing {name}: give --template, --input, --output and --today"))
        })
    };
    let template = Template::parse(value("--template")?)
        .ok_or_else(|| ReportError::Usage(format!("unknown template {}", value("--template").unwrap_or(""))))?;
    let input = value("--input")?;
    let output = value("--output")?;
    let today = NaiveDate::parse_from_str(value("--today")?, "%Y-%m-%d")
        .map_err(|e| ReportError::Usage(format!("--today: {e}")))?;
    let io = |action: &'static str, path: &str, e: std::io::Error| ReportError::Io {
        action,
        path: path.into(),
        reason: e.to_string(),
    };
    let text = if input == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| io("read", input, e))?;
        text
    } else {
        std::fs::read_to_string(input).map_err(|e| io("read", input, e))?
    };
    let data: serde_json::Value = serde_json::from_str(&text).map_err(|e| ReportError::Data(e.to_string()))?;
    let pdf = render(template, &data, today)?;
    if output == "-" {
        let mut stdout = std::io::stdout().lock();
        std::io::Write::write_all(&mut stdout, &pdf)
            .and_then(|_| std::io::Write::flush(&mut stdout))
            .map_err(|e| io("write", output, e))
    } else {
        std::fs::write(output, pdf).map_err(|e| io("write", output, e))
    }
}

/// Renders in a child process: `program` (with `args` before ours) is run with the data on its
/// standard input and the PDF read from its standard output, so typst's memory goes with it.
pub fn render_in_child(
    program: &std::path::Path,
    args: &[&str],
    template: Template,
    data: &serde_json::Value,
    today: NaiveDate,
) -> Result<Vec<u8>, ReportError> {
    use std::{io::Write, process::Stdio};
    let io = |action: &'static str, e: std::io::Error| ReportError::Io {
        action,
        path: program.display().to_string(),
        reason: e.to_string(),
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .args(["--template", template.name(), "--input", "-", "--output", "-", "--today"])
        .arg(today.format("%Y-%m-%d").to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| io("run", e))?;
    let bytes = serde_json::to_vec(data).map_err(|e| ReportError::Data(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&bytes).map_err(|e| io("write to", e))?;
    }
    let output = child.wait_with_output().map_err(|e| io("wait for", e))?;
    if !output.status.success() {
        return Err(ReportError::Pdf { message: String::from_utf8_lossy(&output.stderr).trim().to_owned() });
    }
    Ok(output.stdout)
}
