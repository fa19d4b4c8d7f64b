//! PDF reports, typeset by greffier-report in this (short-lived) process.

use greffier_core::{Certificate, DueReport, Lang, ScheduleReport, TransferSlip};
use greffier_report::Template;

use crate::context::CliError;

fn failed(error: impl std::fmt::Display) -> CliError {
    CliError::Usage {
        en: format!("The PDF could not be made: {error}"),
        fr: format!("Le PDF n'a pu être produit : {error}"),
    }
}

/// Renders `data` with `template`, dated today.
fn render(template: Template, data: &serde_json::Value) -> Result<Vec<u8>, CliError> {
    greffier_report::render(template, data, chrono::Local::now().date_naive()).map_err(failed)
}

/// The certificate as PDF, its CSV attached (`audit verify --certificate FILE.pdf` reads it).
pub fn render_certificate(certificate: &Certificate, csv: &str) -> Result<Vec<u8>, CliError> {
    let mut data = serde_json::to_value(certificate).map_err(failed)?;
    data["csv"] = serde_json::Value::from(csv);
    render(Template::Certificate, &data)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, CliError> {
    render(Template::TransferSlips, &serde_json::json!({ "lang": lang, "slips": slips }))
}

pub fn render_due_list(report: &DueReport) -> Result<Vec<u8>, CliError> {
    render(Template::DueList, &serde_json::to_value(report).map_err(failed)?)
}

/// The retention schedule with the classification plan attached.
pub fn render_schedule(report: &ScheduleReport) -> Result<Vec<u8>, CliError> {
    render(Template::Schedule, &serde_json::to_value(report).map_err(failed)?)
}
