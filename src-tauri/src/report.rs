//! PDF reports, typeset in a child process (this same executable, `render-report`), so typst's
//! memory is given back when the report is done (BUILD-NOTES.md). The data goes through a pipe:
//! nothing of it touches the disk in clear. The certificate and the due list are streamed: each
//! row goes down the pipe as the vault reads it, and the child typesets and writes the PDF a
//! chunk at a time.

use std::path::Path;

use greffier_core::{Certificate, DueQuery, Lang, ScheduleReport, Session, TransferSlip, Vault};
use greffier_report::{Attachment, ListChild, ReportError, Template};

/// The argument that makes this executable a report renderer (see `main.rs`).
pub const CHILD_ARG: &str = "render-report";

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Renders `data` with `template` in a child process, dated today.
fn render(template: Template, data: &serde_json::Value) -> Result<Vec<u8>, std::io::Error> {
    let exe = std::env::current_exe()?;
    greffier_report::render_in_child(&exe, &[CHILD_ARG], template, data, today()).map_err(std::io::Error::other)
}

/// Writes the certificate as PDF at `path`, its files streamed from the vault to the child and
/// its CSV attached (`greffier audit verify --certificate FILE.pdf`).
pub fn write_certificate(
    vault: &Vault,
    session: &Session,
    certificate: &Certificate,
    path: &Path,
) -> Result<(), greffier_core::Error> {
    let header = serde_json::to_value(certificate).map_err(|e| io_error(path, std::io::Error::other(e)))?;
    let mut child = start(Template::Certificate, &header, path)?;
    vault.for_each_certificate_file(session, certificate, &mut |file| {
        child.push(file).map_err(|e| report_error(path, e))
    })?;
    let csv = child
        .attachment(&Attachment::certificate_csv(certificate.lang == Lang::Fr))
        .map_err(|e| report_error(path, e))?;
    vault.write_certificate_csv(session, certificate, csv)?;
    child.finish().map_err(|e| report_error(path, e))?;
    Ok(())
}

/// Writes the due list as PDF at `path`, its files streamed from the vault; answers how many.
pub fn write_due_list(
    vault: &Vault,
    session: &Session,
    query: &DueQuery,
    lang: Lang,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<u64, greffier_core::Error> {
    let report = vault.due_report(session, query, lang)?;
    let total = report.total;
    if !progress(0, total) {
        return Err(greffier_core::BackupError::Cancelled.into());
    }
    let header = serde_json::to_value(report).map_err(|e| io_error(path, std::io::Error::other(e)))?;
    // Dropped unfinished (failed or cancelled), the child removes its partial file.
    let mut child = start(Template::DueList, &header, path)?;
    let mut done = 0u64;
    vault.for_each_due_file(session, query, &mut |file| {
        child.push(file).map_err(|e| report_error(path, e))?;
        done += 1;
        if done.is_multiple_of(greffier_core::PROGRESS_EVERY) && !progress(done, total) {
            return Err(greffier_core::BackupError::Cancelled.into());
        }
        Ok(())
    })?;
    let count = child.finish().map_err(|e| report_error(path, e))?;
    progress(count, total);
    Ok(count)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, std::io::Error> {
    render(Template::TransferSlips, &serde_json::json!({ "lang": lang, "slips": slips }))
}

/// The retention schedule with the classification plan attached.
pub fn render_schedule(report: &ScheduleReport) -> Result<Vec<u8>, std::io::Error> {
    render(Template::Schedule, &serde_json::to_value(report).map_err(std::io::Error::other)?)
}

fn start(template: Template, header: &serde_json::Value, path: &Path) -> Result<ListChild, greffier_core::Error> {
    let exe = std::env::current_exe().map_err(|e| io_error(path, e))?;
    ListChild::start(&exe, &[CHILD_ARG], template, header, today(), path).map_err(|e| report_error(path, e))
}

fn report_error(path: &Path, error: ReportError) -> greffier_core::Error {
    io_error(path, std::io::Error::other(error))
}

fn io_error(path: &Path, source: std::io::Error) -> greffier_core::Error {
    greffier_core::IoError { action: "write", path: path.to_owned(), source }.into()
}
