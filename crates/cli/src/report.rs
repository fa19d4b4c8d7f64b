//! PDF reports, typeset by greffier-report in this (short-lived) process. The certificate and
//! the due list are typeset as their rows come from the vault, a chunk at a time, and written
//! as they go: never the whole list in memory.

use std::{
    io::BufWriter,
    path::{Path, PathBuf},
};

use greffier_core::{Certificate, DueQuery, Lang, ScheduleReport, Session, TransferSlip, Vault};
use greffier_report::{Attachment, ListReport, ReportError, Template};

use crate::context::CliError;

fn failed(error: impl std::fmt::Display) -> CliError {
    CliError::Usage {
        en: format!("The PDF could not be made: {error}"),
        fr: format!("Le PDF n'a pu être produit : {error}"),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Renders `data` with `template`, dated today.
fn render(template: Template, data: &serde_json::Value) -> Result<Vec<u8>, CliError> {
    greffier_report::render(template, data, today()).map_err(failed)
}

/// Writes the certificate as PDF at `path`, its files streamed from the vault and its CSV
/// attached (`audit verify --certificate FILE.pdf` reads it).
pub fn write_certificate(
    vault: &Vault,
    session: &Session,
    certificate: &Certificate,
    path: &Path,
) -> Result<(), CliError> {
    let header = serde_json::to_value(certificate).map_err(failed)?;
    write_list(path, Template::Certificate, &header, |report, stashed| {
        vault.for_each_certificate_file(session, certificate, &mut |file| stash(report.push(file), stashed))?;
        let mut csv = report.attachment(&Attachment::certificate_csv(certificate.lang == Lang::Fr)).map_err(|e| {
            let error = core_error(&e);
            *stashed = Some(e);
            error
        })?;
        vault.write_certificate_csv(session, certificate, &mut csv)?;
        stash(csv.finish(), stashed)
    })
}

/// Writes the due list as PDF at `path`, its files streamed from the vault; answers how many.
pub fn write_due_list(
    vault: &Vault,
    session: &Session,
    query: &DueQuery,
    lang: Lang,
    path: &Path,
) -> Result<u64, CliError> {
    let header = serde_json::to_value(vault.due_report(session, query, lang)?).map_err(failed)?;
    let mut count = 0;
    write_list(path, Template::DueList, &header, |report, stashed| {
        count = vault.for_each_due_file(session, query, &mut |file| stash(report.push(file), stashed))?;
        Ok(())
    })?;
    Ok(count)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, CliError> {
    render(Template::TransferSlips, &serde_json::json!({ "lang": lang, "slips": slips }))
}

/// The retention schedule with the classification plan attached.
pub fn render_schedule(report: &ScheduleReport) -> Result<Vec<u8>, CliError> {
    render(Template::Schedule, &serde_json::to_value(report).map_err(failed)?)
}

type Report = ListReport<BufWriter<std::fs::File>>;

/// Typesets a list into `path` (through `path.part`, renamed when whole) as `feed` pushes its
/// rows. A report error inside `feed` goes through the vault's callbacks as a core error; the
/// original is kept in the stash, so its own message is the one shown.
fn write_list(
    path: &Path,
    template: Template,
    header: &serde_json::Value,
    feed: impl FnOnce(&mut Report, &mut Option<ReportError>) -> Result<(), greffier_core::Error>,
) -> Result<(), CliError> {
    let write_error = |e: std::io::Error| CliError::Write { path: path.display().to_string(), reason: e.to_string() };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);
    let result = (|| {
        let file = std::fs::File::create(&partial).map_err(write_error)?;
        let mut report = ListReport::new(template, header, today(), BufWriter::new(file)).map_err(failed)?;
        let mut stashed = None;
        let fed = feed(&mut report, &mut stashed);
        if let Some(error) = stashed {
            return Err(failed(error));
        }
        fed?;
        let (_, out) = report.finish().map_err(failed)?;
        let file = out.into_inner().map_err(|e| write_error(e.into_error()))?;
        file.sync_all().map_err(write_error)?;
        std::fs::rename(&partial, path).map_err(write_error)
    })();
    if result.is_err() {
        // Nothing half-written is left behind.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// A report error as the core error a vault callback returns, the original kept in `stashed`.
fn stash(result: Result<(), ReportError>, stashed: &mut Option<ReportError>) -> Result<(), greffier_core::Error> {
    result.map_err(|e| {
        let error = core_error(&e);
        *stashed = Some(e);
        error
    })
}

fn core_error(error: &ReportError) -> greffier_core::Error {
    greffier_core::IoError { action: "write", path: "PDF".into(), source: std::io::Error::other(error.to_string()) }
        .into()
}
