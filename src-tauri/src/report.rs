//! PDF reports, typeset in a child process (this same executable, `render-report`), so typst's
//! memory is given back when the report is done (BUILD-NOTES.md). The data goes through a pipe:
//! nothing of it touches the disk in clear.

use greffier_core::{Certificate, DueReport, Lang, ScheduleReport, TransferSlip};
use greffier_report::Template;

/// The argument that makes this executable a report renderer (see `main.rs`).
pub const CHILD_ARG: &str = "render-report";

/// Renders `data` with `template` in a child process, dated today.
fn render(template: Template, data: &serde_json::Value) -> Result<Vec<u8>, std::io::Error> {
    let exe = std::env::current_exe()?;
    greffier_report::render_in_child(&exe, &[CHILD_ARG], template, data, chrono::Local::now().date_naive())
        .map_err(std::io::Error::other)
}

/// The certificate as PDF, its CSV attached (`greffier audit verify --certificate FILE.pdf`).
pub fn render_certificate(certificate: &Certificate, csv: &str) -> Result<Vec<u8>, std::io::Error> {
    let mut data = serde_json::to_value(certificate).map_err(std::io::Error::other)?;
    data["csv"] = serde_json::Value::from(csv);
    render(Template::Certificate, &data)
}

pub fn render_transfer_slips(lang: Lang, slips: &[TransferSlip]) -> Result<Vec<u8>, std::io::Error> {
    render(Template::TransferSlips, &serde_json::json!({ "lang": lang, "slips": slips }))
}

pub fn render_due_list(report: &DueReport) -> Result<Vec<u8>, std::io::Error> {
    render(Template::DueList, &serde_json::to_value(report).map_err(std::io::Error::other)?)
}

/// The retention schedule with the classification plan attached.
pub fn render_schedule(report: &ScheduleReport) -> Result<Vec<u8>, std::io::Error> {
    render(Template::Schedule, &serde_json::to_value(report).map_err(std::io::Error::other)?)
}
