//! PDF reports, typeset by greffier-report in this (short-lived) process.

use greffier_core::{Certificate, DueReport, Lang, TransferSlip};

use crate::context::CliError;

fn failed(error: impl std::fmt::Display) -> CliError {
    CliError::Usage {
        en: format!("The PDF could not be made: {error}"),
        fr: format!("Le PDF n'a pu être produit : {error}"),
    }
}

/// The certificate as PDF, its CSV attached (`audit verify --certificate FILE.pdf` reads it).
pub fn render_certificate(certificate: &Certificate, csv: &str) -> Result<Vec<u8>, CliError> {
    let mut data = serde_json::to_value(certificate).map_err(failed)?;
    data["csv"] = serde_json::Value::from(csv);
    greffier_report::render(greffier_report::Template::Certificate, &data, chrono::Local::now().date_naive())
        .map_err(failed)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, CliError> {
    let data = serde_json::json!({ "lang": lang, "slips": slips });
    greffier_report::render(greffier_report::Template::TransferSlips, &data, chrono::Local::now().date_naive())
        .map_err(failed)
}

pub fn render_due_list(report: &DueReport) -> Result<Vec<u8>, CliError> {
    let data = serde_json::to_value(report).map_err(failed)?;
    greffier_report::render(greffier_report::Template::DueList, &data, chrono::Local::now().date_naive())
        .map_err(failed)
}
