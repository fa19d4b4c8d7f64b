//! PDF reports, typeset in a child process (this same executable, `render-report`), so typst's
//! memory is given back when the report is done (BUILD-NOTES.md). The data goes through a pipe:
//! nothing of it touches the disk in clear.

use greffier_core::{Certificate, DueReport, Lang, TransferSlip};

/// The argument that makes this executable a report renderer (see `main.rs`).
pub const CHILD_ARG: &str = "render-report";

/// The certificate as PDF, its CSV attached (`greffier audit verify --certificate FILE.pdf`).
pub fn render_certificate(certificate: &Certificate, csv: &str) -> Result<Vec<u8>, std::io::Error> {
    let exe = std::env::current_exe()?;
    let mut data = serde_json::to_value(certificate).map_err(std::io::Error::other)?;
    data["csv"] = serde_json::Value::from(csv);
    greffier_report::render_in_child(
        &exe,
        &[CHILD_ARG],
        greffier_report::Template::Certificate,
        &data,
        chrono::Local::now().date_naive(),
    )
    .map_err(std::io::Error::other)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, std::io::Error> {
    let exe = std::env::current_exe()?;
    let data = serde_json::json!({ "lang": lang, "slips": slips });
    greffier_report::render_in_child(
        &exe,
        &[CHILD_ARG],
        greffier_report::Template::TransferSlips,
        &data,
        chrono::Local::now().date_naive(),
    )
    .map_err(std::io::Error::other)
}

pub fn render_due_list(report: &DueReport) -> Result<Vec<u8>, std::io::Error> {
    let exe = std::env::current_exe()?;
    let data = serde_json::to_value(report).map_err(std::io::Error::other)?;
    greffier_report::render_in_child(
        &exe,
        &[CHILD_ARG],
        greffier_report::Template::DueList,
        &data,
        chrono::Local::now().date_naive(),
    )
    .map_err(std::io::Error::other)
}
