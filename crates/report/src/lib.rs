//! Greffier's PDF reports, typeset by Typst used as a library, fully offline: the templates are
//! compiled into the binary (`templates/*.typ`), the fonts come from typst-assets, the data
//! arrives as a JSON file the template reads (`json("data.json")`), and the report's date is
//! passed in. Memory is not given back after a render (BUILD-NOTES.md): the desktop renders in
//! a child process ([`render_in_child`], [`ListChild`], whose other end is [`run_child`]); the
//! CLI, a short-lived process, may render in its own. Long lists (the certificate, the due list)
//! are never typeset whole: [`ListReport`] takes their rows one at a time and writes the PDF a
//! chunk at a time, so memory stays that of one chunk whatever the list's length.
//!
//! # The certificate's data
//!
//! `greffier_core::Certificate` serialized (camelCase). Every field is required unless marked;
//! dates and times are printed as given, except an RFC 3339 UTC stamp (`…T…Z`, as the vault
//! records them), which is printed to the minute and marked UTC.
//!
//! ```text
//! { "lang": "fr" | "en",
//!   "kind": "destruction" | "anonymisation" (optional: destruction),
//!   "organisation": str, "certificateNumber": str, "batch": str, "method": str,
//!   "proposedBy": str, "proposedAt": str, "approvedBy": str, "approvedAt": str,
//!   "executedBy": str, "executedAt": str,
//!   "rules": [ { "number": str, "version": int, "files": int } ],
//!   "counts": { "files": int, "persons": int },
//!   "chainHead": { "seq": int, "hash": str },
//!   "backupPolicy": str,
//!   "files": [ { "reference": str, "class": str,   (the rows, pushed one by one)
//!                "title": str | null (or absent: printed “[titre confidentiel]”),
//!                "openedOn": str | null (or absent: “—”), "closedOn": str | null (likewise),
//!                "rule": str, "ruleVersion": int } ] }
//! ```
//!
//! The certificate as CSV is attached to the PDF as `certificate.csv`
//! ([`Attachment::certificate_csv`], streamed into the PDF through [`ListReport::attachment`] or
//! [`ListChild::attachment`]; [`attachment`] reads it back).
//!
//! The due list's data is `greffier_core::DueReport` (see `templates/due-list.typ`).
//! The transfer slips' data is `{ "lang", "slips": [greffier_core::TransferSlip, …] }`.
//! The retention schedule's data is `greffier_core::ScheduleReport` (see `templates/schedule.typ`).

mod child;
mod error;
mod list;
mod stitch;
mod world;

use chrono::NaiveDate;
use typst::foundations::Smart;
use typst_layout::PagedDocument;

use crate::world::ReportWorld;
pub use crate::{
    child::{render_in_child, render_in_child_within, run_child, ListChild, CHILD_TIME_LIMIT},
    error::{Diagnostic, ReportError, USAGE},
    list::{AttachmentWriter, ListReport, ListSummary, ROWS_PER_CHUNK},
    stitch::Attachment,
};

/// A report Greffier can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The destruction certificate of an executed destruction batch.
    Certificate,
    /// The transfer slips of an executed transfer batch, one per box.
    TransferSlips,
    /// The due list.
    DueList,
    /// The retention schedule with the classification plan attached.
    Schedule,
}

impl Template {
    /// The name the child process is given (`--template`), and the template's file name.
    pub fn name(self) -> &'static str {
        match self {
            Template::Certificate => "certificate",
            Template::TransferSlips => "transfer-slips",
            Template::DueList => "due-list",
            Template::Schedule => "schedule",
        }
    }

    /// The template of that [`name`](Template::name), if there is one.
    pub fn parse(name: &str) -> Option<Template> {
        [Template::Certificate, Template::TransferSlips, Template::DueList, Template::Schedule]
            .into_iter()
            .find(|template| template.name() == name)
    }

    /// Whether the report is a long list, typeset in chunks by [`ListReport`] (its rows under
    /// `files`), rather than whole by [`render`].
    pub fn is_list(self) -> bool {
        matches!(self, Template::Certificate | Template::DueList)
    }

    fn source(self) -> &'static str {
        match self {
            Template::Certificate => include_str!("../templates/certificate.typ"),
            Template::TransferSlips => include_str!("../templates/transfer-slips.typ"),
            Template::DueList => include_str!("../templates/due-list.typ"),
            Template::Schedule => include_str!("../templates/schedule.typ"),
        }
    }
}

/// Renders a report as PDF from its data, dated `today` (the local date: the template's
/// `today()` and the PDF's creation date).
pub fn render(template: Template, data: &serde_json::Value, today: NaiveDate) -> Result<Vec<u8>, ReportError> {
    let bytes = serde_json::to_vec(data).map_err(|e| ReportError::Data { reason: e.to_string() })?;
    let world = ReportWorld::new(template, bytes, today);
    let document = compile_world(template, &world)?;
    export(template, &world, &document, today)
}

/// A laid-out report as PDF.
fn export(
    template: Template,
    world: &ReportWorld,
    document: &PagedDocument,
    today: NaiveDate,
) -> Result<Vec<u8>, ReportError> {
    let options = typst_pdf::PdfOptions {
        // Tagged PDF makes files about 15 times larger (BUILD-NOTES.md).
        tagged: false,
        // The creation date is the report's date, not the clock's, so the same data on the same
        // day gives the same bytes.
        timestamp: world::datetime(today).map(typst_pdf::Timestamp::new_utc),
        creator: Smart::Custom(Some(format!("Greffier {}", env!("CARGO_PKG_VERSION")))),
        ..Default::default()
    };
    typst_pdf::pdf(document, &options).map_err(|errors| ReportError::Pdf {
        template: template.name(),
        diagnostics: error::diagnostics(world, &errors),
    })
}

/// The file named `name` attached to a PDF (such as a certificate's `certificate.csv`), or
/// `None` when the PDF has none of that name. `path` only names the file in errors.
pub fn attachment(pdf: &[u8], name: &str, path: &str) -> Result<Option<Vec<u8>>, ReportError> {
    use lopdf::Object;
    let unreadable = |reason: String| ReportError::Unreadable { path: path.to_owned(), reason };
    let document = lopdf::Document::load_mem(pdf).map_err(|e| unreadable(e.to_string()))?;
    let text = |object: &Object| -> Option<String> {
        match object {
            Object::String(bytes, _) => match bytes.strip_prefix(&[0xFE, 0xFF]) {
                // A PDF text string in UTF-16BE.
                Some(utf16) => String::from_utf16(
                    &utf16.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect::<Vec<_>>(),
                )
                .ok(),
                None => String::from_utf8(bytes.clone()).ok(),
            },
            _ => None,
        }
    };
    for object in document.objects.values() {
        let Ok(spec) = object.as_dict() else { continue };
        if spec.get(b"Type").and_then(Object::as_name).ok() != Some(b"Filespec".as_slice()) {
            continue;
        }
        let named =
            [b"UF".as_slice(), b"F"].iter().any(|key| spec.get(key).ok().and_then(text).as_deref() == Some(name));
        if !named {
            continue;
        }
        let stream = spec
            .get(b"EF")
            .and_then(Object::as_dict)
            .and_then(|files| files.get(b"F"))
            .and_then(Object::as_reference)
            .and_then(|id| document.get_object(id))
            .and_then(Object::as_stream)
            .map_err(|e| unreadable(format!("its attachment {name} is damaged: {e}")))?;
        let content = if stream.dict.has(b"Filter") {
            stream.decompressed_content().map_err(|e| unreadable(format!("its attachment {name} is damaged: {e}")))?
        } else {
            stream.content.clone()
        };
        return Ok(Some(content));
    }
    Ok(None)
}

/// Lays out a report; its warnings are dropped (see the test that there are none).
fn compile_world(template: Template, world: &ReportWorld) -> Result<PagedDocument, ReportError> {
    typst::compile::<PagedDocument>(world).output.map_err(|errors| ReportError::Template {
        template: template.name(),
        diagnostics: error::diagnostics(world, &errors),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A missing font or a deprecated call is only a warning to typst, then a silent fallback:
    /// the templates must give none.
    #[test]
    fn the_templates_give_no_warning() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let file = serde_json::json!({ "reference": "D-1", "class": "100", "title": "Titre", "openedOn": null,
            "closedOn": "2015-06-30", "rule": "1", "ruleVersion": 1 });
        let certificate = serde_json::json!({
            "lang": "fr", "organisation": "Ville", "certificateNumber": "CD-1", "batch": "LOT-1", "method": "m",
            "proposedBy": "a", "proposedAt": "2026-11-20T14:03:11.000Z", "approvedBy": "b", "approvedAt": "2026-11-21",
            "executedBy": "a", "executedAt": "2026-11-24 10:15", "rules": [{ "number": "1", "version": 1, "files": 1 }],
            "counts": { "files": 1, "persons": 0 }, "chainHead": { "seq": 1, "hash": "ab" }, "backupPolicy": "p",
            "files": [file],
        });
        let slip = serde_json::json!({ "lang": "fr", "slips": [{
            "organisation": "Ville", "slipNumber": "LOT-1-01", "batch": "LOT-1", "boxLabel": "Boîte 1",
            "originatingUnit": "DG", "quantity": 1, "media": ["papier"], "oldest": "2010-01-04", "newest": "2015-06-30",
            "accessRestriction": "Aucune", "transferredBy": "a", "transferredAt": "2026-11-24T10:15:00.000Z",
            "files": [{ "reference": "D-1", "class": "100", "title": "Titre", "medium": "papier",
                        "openedOn": null, "closedOn": null }],
        }] });
        let due = serde_json::json!({ "lang": "en", "organisation": "Ville", "until": "2026-11-24", "project": null,
            "kind": "destruction", "generatedBy": "a", "total": 1, "files": [{ "id": 1, "reference": "D-1",
            "title": "Titre", "class": "100", "project": null, "rule": "1", "ruleVersion": 1, "closedOn": null,
            "dueOn": "2026-01-31", "disposition": "D", "heldBy": "G-1", "batch": null }] });
        let schedule = serde_json::json!({ "lang": "fr", "organisation": "Ville", "asOf": "2026-11-24",
            "generatedBy": "a", "series": [{ "number": "0002", "version": 2, "effectiveDate": "2026-01-01",
            "title": "Séances du conseil", "description": "Ordres du jour et procès-verbaux", "processActivity": "",
            "documentTypes": "", "holdingUnits": "Greffe", "legalReference": "LCV, art. 83", "essential": true,
            "confidential": null, "trigger": "fermeture du dossier",
            "classes": [{ "code": "100", "title": "Administration" }, { "code": "X", "title": "" }],
            "copies": [{ "kind": "P", "kindLabel": "principal", "delayNumber": null, "media": "papier",
                "active": "2 ans", "semiActive": "jusqu'à un événement (888)", "disposition": "C",
                "dispositionLabel": "conserver", "remarks": ["R1"] }],
            "periodRemarks": [{ "label": "R1", "text": "jusqu'à la fin" }],
            "generalRemarks": [{ "label": null, "text": "Voir aussi 0003." }] }],
            "plan": [{ "code": "100", "depth": 0, "title": "Administration", "active": true, "rules": ["0002"] },
                     { "code": "100-10", "depth": 1, "title": "Retirée", "active": false, "rules": [] }] });
        for (template, data) in [
            (Template::Certificate, certificate),
            (Template::TransferSlips, slip),
            (Template::DueList, due),
            (Template::Schedule, schedule),
        ] {
            let bytes = serde_json::to_vec(&data).expect("json");
            let world = ReportWorld::new(template, bytes, today);
            let warned = typst::compile::<PagedDocument>(&world);
            let warnings: Vec<_> = warned.warnings.iter().map(|w| error::diagnostic(&world, w).to_string()).collect();
            assert!(warned.output.is_ok(), "{}: {:?}", template.name(), warned.output.err());
            assert!(warnings.is_empty(), "{}: {warnings:?}", template.name());
        }
    }
}
