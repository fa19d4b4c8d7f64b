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
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_separator(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
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
