//! Spreadsheets as archivists make them, reduced to tables of text: CSV in UTF-8 (with or without
//! a byte-order mark) or Windows-1252 (what French Excel writes), its separator sniffed (comma,
//! semicolon or tab); XLSX read with calamine and written with rust_xlsxwriter. What the columns
//! mean is [`crate::plan_table`]'s business, not this module's.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::plan::PlanError;

/// One sheet (or one CSV file) as text: its header and its rows, each with the row number a
/// spreadsheet shows (the header's included, counted from 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Table {
    /// The sheet's name; `None` for a CSV file.
    pub sheet: Option<String>,
    pub header_row: usize,
    pub header: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub number: usize,
    pub cells: Vec<String>,
    /// Cells the spreadsheet itself holds as errors (`#N/A`, `#REF!`): (column index, what).
    pub errors: Vec<(usize, String)>,
}

/// The encodings a CSV file may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Windows1252,
}

/// Decodes a CSV file's bytes: UTF-8 when they are (a byte-order mark is dropped), else
/// Windows-1252, which every byte sequence decodes as.
pub(crate) fn decode_text(bytes: &[u8]) -> (String, TextEncoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), TextEncoding::Utf8),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), TextEncoding::Windows1252)
        }
    }
}

/// The separator of a CSV file: of `;`, `,` and tab, the one its header (its first line that is
/// not blank) holds
/// most often outside quotes; a comma when it holds none.
pub(crate) fn sniff_separator(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    // The header is the first line that is not blank.
    for c in text.trim_start_matches(['\r', '\n', ' ']).bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                for (separator, count) in &mut counts {
                    if c == *separator {
                        *count += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // Semicolon first on a tie: French Excel's separator, and the one whose cells hold commas.
    counts
        .iter()
        .max_by_key(|(separator, count)| (*count, *separator == b';'))
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s)
}

/// Follows a CSV's quotes as the csv crate's reader reads them, to tell a quoted cell that is
/// never closed: the reader takes everything after its quote, the rows below included, into
/// that one cell and reports no error, so an import would lose those rows without a word.
/// A quote opens a cell only at the cell's start; inside, `""` is a quote; a closing quote
/// followed by more text goes on as an unquoted cell (in which quotes are text), as csv reads it.
#[derive(Debug, Clone)]
pub(crate) struct QuoteCheck {
    delimiter: u8,
    state: QuoteState,
    /// Line breaks read so far.
    breaks: u64,
    /// The line the quoted cell being read opened on, counted from 1.
    opened_on: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    CellStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted cell: its end, or the first of `""`.
    QuoteInQuoted,
}

impl QuoteCheck {
    pub(crate) fn new(delimiter: u8) -> QuoteCheck {
        QuoteCheck { delimiter, state: QuoteState::CellStart, breaks: 0, opened_on: 0 }
    }

    /// Reads the next bytes of the file.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        use QuoteState::*;
        let mut rest = bytes;
        while !rest.is_empty() {
            // In an unquoted cell only its end matters: skip to it.
            if self.state == Unquoted {
                match memchr::memchr3(self.delimiter, b'\n', b'\r', rest) {
                    Some(at) => rest = &rest[at..],
                    None => rest = &[],
                }
                if rest.is_empty() {
                    continue;
                }
            }
            // Inside a quoted cell only a quote matters: skip to it.
            if self.state == Quoted {
                match memchr::memchr(b'"', rest) {
                    Some(at) => {
                        self.breaks += memchr::memchr_iter(b'\n', &rest[..at]).count() as u64;
                        self.state = QuoteInQuoted;
                        rest = &rest[at + 1..];
                    }
                    None => {
                        self.breaks += memchr::memchr_iter(b'\n', rest).count() as u64;
                        rest = &[];
                    }
                }
                continue;
            }
            let byte = rest[0];
            rest = &rest[1..];
            let ends_cell = byte == self.delimiter || byte == b'\n' || byte == b'\r';
            if byte == b'\n' {
                self.breaks += 1;
            }
            self.state = match (self.state, byte) {
                (CellStart, b'"') => {
                    self.opened_on = self.breaks + 1;
                    Quoted
                }
                (QuoteInQuoted, b'"') => Quoted,
                (_, _) if ends_cell => CellStart,
                _ => Unquoted,
            };
        }
    }

    /// The line of a quoted cell the file left open, once it is all read.
    pub(crate) fn unclosed(&self) -> Option<u64> {
        (self.state == QuoteState::Quoted).then_some(self.opened_on)
    }
}

/// What to tell of a quoted cell opened on `line` and never closed, for plans and registers alike.
pub(crate) fn quote_unclosed_message(line: u64, lang: crate::Lang) -> String {
    lang.pick(
        format!("La ligne {line} ouvre une cellule entre guillemets (\") qui n'est jamais fermée : toutes les lignes qui suivent seraient lues dans cette seule cellule. Rien n'a été importé ; fermez le guillemet, ou doublez chaque guillemet de la cellule (\"\"), et importez le fichier de nouveau."),
        format!("Line {line} opens a quoted cell (\") that is never closed: every row after it would be read into that one cell. Nothing was imported; close the quote, or double each quote inside the cell (\"\"), and import the file again."),
    )
}

/// A reader that shows what it reads to a [`QuoteCheck`].
pub(crate) struct QuoteChecked<R> {
    pub inner: R,
    pub check: QuoteCheck,
}

impl<R: std::io::Read> std::io::Read for QuoteChecked<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.check.feed(&buffer[..n]);
        Ok(n)
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|cell| cell.trim().is_empty())
}

/// Splits rows into a table: the first row that is not blank is the header; blank rows (Excel
/// leaves `;;;;` lines behind) are skipped.
fn into_table(sheet: Option<String>, rows: Vec<TableRow>) -> Option<Table> {
    let mut rows = rows.into_iter().filter(|row| !is_blank(&row.cells) || !row.errors.is_empty());
    let header = rows.next()?;
    Some(Table {
        sheet,
        header_row: header.number,
        header: header.cells.iter().map(|cell| cell.trim().to_owned()).collect(),
        rows: rows.collect(),
    })
}

/// Reads a CSV file whole. `None` when it holds nothing but blank lines.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Option<Table>, PlanError> {
    let (text, _) = decode_text(bytes);
    let delimiter = sniff_separator(&text);
    let mut check = QuoteCheck::new(delimiter);
    check.feed(text.as_bytes());
    if let Some(line) = check.unclosed() {
        return Err(PlanError::QuoteUnclosed { line });
    }
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| PlanError::SheetUnreadable {
            detail: match e.position() {
                Some(position) => format!("line {}: {e}", position.line()),
                None => e.to_string(),
            },
        })?;
        rows.push(TableRow {
            number: index + 1,
            cells: record.iter().map(str::to_owned).collect(),
            errors: Vec::new(),
        });
    }
    Ok(into_table(None, rows))
}

/// Reads every sheet of an XLSX workbook that is not empty, in the workbook's order.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Vec<Table>, PlanError> {
    let unreadable = |e: calamine::XlsxError| PlanError::SheetUnreadable { detail: e.to_string() };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut tables = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let Some((first_row, first_column)) = range.start() else { continue };
        let mut rows = Vec::new();
        for (index, cells) in range.rows().enumerate() {
            // Cells before the used range's first column are empty: keep the columns aligned.
            let mut row = TableRow {
                number: first_row as usize + index + 1,
                cells: vec![String::new(); first_column as usize],
                errors: Vec::new(),
            };
            for cell in cells {
                let position = row.cells.len();
                match cell_text(cell) {
                    Ok(text) => row.cells.push(text),
                    Err(what) => {
                        row.errors.push((position, what));
                        row.cells.push(String::new());
                    }
                }
            }
            rows.push(row);
        }
        tables.extend(into_table(Some(name), rows));
    }
    Ok(tables)
}

/// Streams the rows of an XLSX workbook's first sheet that holds a cell, in order, to `sink`
/// (each with its row number as a spreadsheet shows it, its cells at their columns), until
/// `sink` answers `false`. Only the sheet's XML is read as it goes (with the workbook's shared
/// strings): a whole sheet read at once held 353 MB for 100,000 files. Blank rows are not given.
/// `last_row` first hears the sheet's last row as it declares it, for a progress bar.
pub(crate) fn stream_xlsx_rows(
    path: &std::path::Path,
    last_row: &mut dyn FnMut(u64),
    sink: &mut dyn FnMut(usize, Vec<String>) -> bool,
) -> Result<(), PlanError> {
    let unreadable = |e: calamine::XlsxError| PlanError::SheetUnreadable { detail: e.to_string() };
    let mut workbook: Xlsx<std::io::BufReader<std::fs::File>> = calamine::open_workbook(path).map_err(unreadable)?;
    for name in workbook.sheet_names() {
        let mut cells = workbook.worksheet_cells_reader(&name).map_err(unreadable)?;
        // The last row the sheet declares (`<dimension>`), as a spreadsheet numbers it; 0 when
        // it declares none.
        let dimensions = cells.dimensions();
        last_row(if dimensions.end.0 > 0 { u64::from(dimensions.end.0) + 1 } else { 0 });
        let mut current: Option<(u32, Vec<String>)> = None;
        let mut any = false;
        while let Some(cell) = cells.next_cell().map_err(unreadable)? {
            let (row, column) = cell.get_position();
            // A cell the spreadsheet holds as an error (`#N/A`) reads as empty, as in a sheet
            // read whole.
            let text = cell_text(&Data::from(cell.get_value().clone())).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            any = true;
            if current.as_ref().is_some_and(|(at, _)| *at != row) {
                if let Some((at, done)) = current.take() {
                    if !sink(at as usize + 1, done) {
                        return Ok(());
                    }
                }
            }
            let (_, row_cells) = current.get_or_insert_with(|| (row, Vec::new()));
            let column = column as usize;
            if row_cells.len() <= column {
                row_cells.resize(column + 1, String::new());
            }
            row_cells[column] = text;
        }
        if let Some((at, done)) = current.take() {
            sink(at as usize + 1, done);
        }
        if any {
            return Ok(());
        }
    }
    Ok(())
}

/// A cell as the text a person would type: whole numbers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(date) => match date.as_datetime() {
            Some(moment) if moment.time() == chrono::NaiveTime::MIN => moment.format("%Y-%m-%d").to_string(),
            Some(moment) => moment.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => date.to_string(),
        },
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => return Err(format!("#{error:?}")),
    })
}

/// Writes one table as CSV for French Excel: UTF-8 with a byte-order mark (so that Excel reads
/// the accents right), semicolons, CRLF line ends.
pub(crate) fn write_csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(header);
        for row in rows {
            let _ = writer.write_record(row);
        }
        let _ = writer.flush();
    }
    out
}

/// A sheet to write: its name, its header and its rows.
pub(crate) type Sheet = (String, Vec<String>, Vec<Vec<String>>);

/// Writes sheets (name, header, rows) as an XLSX workbook: every cell a text cell, so that codes
/// such as `0002` keep their zeros; the header bold and frozen.
pub(crate) fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, PlanError> {
    let failed = |e: rust_xlsxwriter::XlsxError| PlanError::SheetUnreadable { detail: e.to_string() };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for (name, header, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(failed)?;
        for (column, title) in header.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, title, &bold).map_err(failed)?;
        }
        for (index, row) in rows.iter().enumerate() {
            for (column, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    sheet.write_string(index as u32 + 1, column as u16, text).map_err(failed)?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(failed)?;
        sheet.set_autofit_max_width(400);
        sheet.autofit();
    }
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check agrees with csv's reader: a cell left open at the end is found, with its line,
    /// whatever the chunks the file is read in; quotes csv reads as text are not openings.
    #[test]
    fn a_quoted_cell_left_open_is_found_with_its_line() {
        let unclosed = |text: &str, delimiter: u8| {
            let whole = {
                let mut check = QuoteCheck::new(delimiter);
                check.feed(text.as_bytes());
                check.unclosed()
            };
            for size in 1..=7 {
                let mut check = QuoteCheck::new(delimiter);
                for chunk in text.as_bytes().chunks(size) {
                    check.feed(chunk);
                }
                assert_eq!(check.unclosed(), whole, "{text:?} read {size} bytes at a time");
            }
            whole
        };
        assert_eq!(unclosed("a;b\n1;\"ouvert\n2;x\n", b';'), Some(2));
        assert_eq!(unclosed("a;b\r\n1;\"x\"\r\n2;\"deux\r\nlignes\r\n3;y", b';'), Some(3));
        assert_eq!(unclosed("a,\"b\"\"c", b','), Some(1), "a doubled quote does not close it");
        for closed in [
            "a;b\n1;\"Embauche;\névaluations\"\n",
            "a;b\n1;\"il dit \"\"oui\"\"\"\n",
            "a;b\n1;Tuyau 12\" de long\n",
            "a;b\n1;\"x\"y\"z\n",
            "a\tb\n\"1\"\t\"\"\n",
            "",
        ] {
            assert_eq!(unclosed(closed, if closed.contains('\t') { b'\t' } else { b';' }), None, "{closed:?}");
            // csv's reader reads each of them as many rows as there are lines outside quotes.
        }
        // What csv makes of the first case: the rows after the quote vanish into its cell.
        let mut reader =
            csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_reader("a;b\n1;\"ouvert\n2;x\n".as_bytes());
        assert_eq!(reader.records().count(), 1, "no error from csv, one row instead of two");
    }

    #[test]
    fn the_separator_is_the_header_s() {
        let check = |text: &str, expected: u8| assert_eq!(sniff_separator(text) as char, expected as char, "{text:?}");
        check("code;titre;\"a,b\"\n1,2,3,4", b';');
        check("code,title,parent\n", b',');
        check("code\ttitle\n", b'\t');
        check("\"a;b\",c\n", b',');
        check("code\n", b',');
        check("\r\n;;;\r\n", b';');
    }

    #[test]
    fn windows_1252_and_bom_are_read() {
        let (text, encoding) = decode_text(b"Dossiers d'employ\xe9s");
        assert_eq!((text.as_str(), encoding), ("Dossiers d'employés", TextEncoding::Windows1252));
        let (text, encoding) = decode_text("\u{feff}Ressources humaines".as_bytes());
        assert_eq!((text.as_str(), encoding), ("Ressources humaines", TextEncoding::Utf8));
        let (text, _) = decode_text(b"\x93guillemets\x94 \x80");
        assert_eq!(text, "\u{201c}guillemets\u{201d} \u{20ac}", "cp1252's own characters, not Latin-1's controls");
    }
}
