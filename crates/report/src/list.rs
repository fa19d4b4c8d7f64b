//! Long lists (a certificate's files, the due list) typeset a chunk at a time, so memory does
//! not grow with the list: the rows arrive one by one ([`ListReport::push`]); every
//! [`ROWS_PER_CHUNK`] rows, the header's data and the rows waiting are compiled by typst (the
//! first chunk with the cover, the others as continuation pages numbered after it), typst's
//! caches are emptied, and the pages are appended to one PDF written as it goes
//! (`stitch.rs`). The last page of a chunk is held back and its rows typeset again at the head
//! of the next chunk, so every page but the list's last is full and no join shows.

use std::io::Write;

use chrono::NaiveDate;
use typst::{
    foundations::{Label, Selector},
    introspection::Introspector,
    utils::PicoStr,
};
use typst_layout::PagedDocument;

use crate::{stitch::StitchedPdf, world::ReportWorld, Attachment, ReportError, Template};

/// How many rows a chunk holds. Measured on 12,000 rows of a certificate in a release build:
/// the peak memory is about 40 MB plus 95 KB a row of the chunk (86 MB with chunks of 500,
/// 132 MB with 1,000, 232 MB with 2,000, 336 MB with 3,000), while the time hardly changes
/// (about 4 s) and smaller chunks make the file larger, each carrying its own font subsets
/// (1.24 MB with chunks of 500, 1.09 MB with 1,000, 1.04 MB with 1,500).
pub const ROWS_PER_CHUNK: usize = 1_000;

/// The label each row carries in the templates (`metadata(…) <row>`), to find the rows of the
/// chunk's last page.
const ROW_LABEL: &str = "row";

/// A list report being written: its header, then its rows, then any attachment.
pub struct ListReport<W: Write> {
    template: Template,
    /// The header's members as JSON, without the braces (empty when it has none).
    header: String,
    today: NaiveDate,
    pdf: StitchedPdf<W>,
    /// The rows received and not yet on a page written, each as JSON.
    pending: Vec<String>,
    /// How many rows are on pages written.
    written: u64,
    chunk_rows: usize,
}

/// What a list report came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSummary {
    pub rows: u64,
    pub pages: usize,
}

impl<W: Write> ListReport<W> {
    /// Starts a report of `template` (a list: [`Template::is_list`]) whose data, but the rows, is
    /// `header` (a JSON object), dated `today`, written to `out` as it goes.
    pub fn new(
        template: Template,
        header: &serde_json::Value,
        today: NaiveDate,
        out: W,
    ) -> Result<ListReport<W>, ReportError> {
        if !template.is_list() {
            return Err(ReportError::Usage { message: format!("the {} report is not a list", template.name()) });
        }
        let Some(members) = header.as_object() else {
            return Err(ReportError::Data { reason: "the report's header is not a JSON object".into() });
        };
        // The rows and the chunk's place are the renderer's to give.
        let members: serde_json::Map<String, serde_json::Value> = members
            .iter()
            .filter(|(key, _)| !matches!(key.as_str(), "files" | "chunk"))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let text = serde_json::Value::Object(members).to_string();
        let header = text[1..text.len() - 1].to_owned();
        Ok(ListReport {
            template,
            header,
            today,
            pdf: StitchedPdf::new(out)?,
            pending: Vec::new(),
            written: 0,
            chunk_rows: ROWS_PER_CHUNK,
        })
    }

    /// Another chunk size than [`ROWS_PER_CHUNK`] (at least one row).
    pub fn with_chunk_rows(mut self, rows: usize) -> ListReport<W> {
        self.chunk_rows = rows.max(1);
        self
    }

    /// Adds the next row of the list.
    pub fn push<T: serde::Serialize + ?Sized>(&mut self, row: &T) -> Result<(), ReportError> {
        let text = serde_json::to_string(row).map_err(|e| ReportError::Data { reason: e.to_string() })?;
        self.push_json(text)
    }

    /// Adds the next row, given as a JSON object.
    pub fn push_json(&mut self, row: String) -> Result<(), ReportError> {
        match serde_json::from_str::<serde_json::Value>(&row) {
            Ok(serde_json::Value::Object(_)) => {}
            Ok(_) => return Err(ReportError::Data { reason: "a row is not a JSON object".into() }),
            Err(e) => return Err(ReportError::Data { reason: e.to_string() }),
        }
        self.pending.push(row);
        if self.pending.len() >= self.chunk_rows {
            self.typeset(false)?;
        }
        Ok(())
    }

    /// Starts a file embedded in the PDF; write its content into the answer, then
    /// [`finish`](AttachmentWriter::finish) it. Typically after the rows.
    pub fn attachment(&mut self, attachment: &Attachment) -> Result<AttachmentWriter<'_, W>, ReportError> {
        self.pdf.begin_attachment(attachment)?;
        Ok(AttachmentWriter { pdf: &mut self.pdf })
    }

    /// Typesets the rows still waiting, with the list's end, and closes the PDF.
    pub fn finish(mut self) -> Result<(ListSummary, W), ReportError> {
        self.typeset(true)?;
        let summary = ListSummary { rows: self.written, pages: self.pdf.page_count() };
        let out = self.pdf.finish()?;
        Ok((summary, out))
    }

    /// Typesets the rows waiting as one chunk and writes its pages; unless it is the `last`,
    /// its last page is held back and the rows on it wait for the next chunk.
    fn typeset(&mut self, last: bool) -> Result<(), ReportError> {
        let first = self.pdf.page_count() == 0;
        let mut data = format!(
            r#"{{"chunk":{{"first":{first},"last":{last},"pageOffset":{},"rowOffset":{}}},"files":["#,
            self.pdf.page_count(),
            self.written
        );
        for (i, row) in self.pending.iter().enumerate() {
            if i > 0 {
                data.push(',');
            }
            data.push_str(row);
        }
        data.push(']');
        if !self.header.is_empty() {
            data.push(',');
            data.push_str(&self.header);
        }
        data.push('}');

        let world = ReportWorld::new(self.template, data.into_bytes(), self.today);
        let document = crate::compile_world(self.template, &world)?;
        let pages = document.pages().len();
        let (take_pages, take_rows) = match first_row_on_last_page(&document) {
            Some(row) if !last && pages > 1 && row > 0 => (pages - 1, row),
            _ => (pages, self.pending.len()),
        };
        let pdf = crate::export(self.template, &world, &document, self.today)?;
        drop(document);
        drop(world);
        // Typst's caches hold every chunk's layout: emptied, memory stays that of one chunk.
        typst::comemo::evict(0);
        self.pdf.append(&pdf, take_pages)?;
        self.pending.drain(..take_rows);
        self.written += take_rows as u64;
        Ok(())
    }
}

/// Writes a file embedded in the PDF, compressed as it comes.
pub struct AttachmentWriter<'a, W: Write> {
    pdf: &'a mut StitchedPdf<W>,
}

impl<W: Write> AttachmentWriter<'_, W> {
    /// Ends the file. Without it, the report cannot be finished.
    pub fn finish(self) -> Result<(), ReportError> {
        self.pdf.end_attachment()
    }
}

impl<W: Write> Write for AttachmentWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pdf.write_attachment(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The index in the chunk of the first row on its last page, if that page has one.
fn first_row_on_last_page(document: &PagedDocument) -> Option<usize> {
    let introspector = document.introspector();
    let label = Label::new(PicoStr::intern(ROW_LABEL))?;
    let last = document.pages().len();
    introspector.query(&Selector::Label(label)).iter().position(|row| {
        row.location().and_then(|location| introspector.page(location)).map(|page| page.get()) == Some(last)
    })
}
