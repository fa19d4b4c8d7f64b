//! The world a report is compiled in: its template (compiled into the binary), its data (a
//! virtual `data.json`), the bundled fonts and the date passed in. Nothing else: no file is read
//! from the disk, no package is fetched, no clock is read.

use std::{path::PathBuf, sync::OnceLock};

use chrono::{Datelike, NaiveDate};
use typst::{
    diag::{FileError, FileResult, PackageError},
    foundations::{Bytes, Datetime, Duration},
    syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot},
    text::{Font, FontBook},
    utils::LazyHash,
    Library, LibraryExt, World,
};

use crate::Template;

/// The path under which templates read their data: `json("data.json")`.
pub(crate) const DATA_PATH: &str = "/data.json";

pub(crate) struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: NaiveDate,
}

impl ReportWorld {
    pub(crate) fn new(template: Template, data: Vec<u8>, today: NaiveDate) -> ReportWorld {
        let main_id = project_file(&format!("/{}.typ", template.name()));
        ReportWorld {
            main: Source::new(main_id, template.source().to_owned()),
            data_id: project_file(DATA_PATH),
            data: Bytes::new(data),
            today,
        }
    }

    /// The template's source, to turn a span into a line and column.
    pub(crate) fn main_source(&self) -> &Source {
        &self.main
    }

    /// The data as the template reads it, to turn a byte range into a line and column.
    pub(crate) fn data_file(&self) -> (FileId, &[u8]) {
        (self.data_id, self.data.as_slice())
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
        LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// The date the report is dated, whatever offset the template asks for: the caller passes
    /// the local date (in UTC it is already tomorrow on Quebec evenings).
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        datetime(self.today)
    }
}

/// A date as typst's `Datetime`.
pub(crate) fn datetime(date: NaiveDate) -> Option<Datetime> {
    Datetime::from_ymd(date.year(), u8::try_from(date.month()).ok()?, u8::try_from(date.day()).ok()?)
}

/// The fonts of typst-assets (Libertinus Serif, New Computer Modern, DejaVu Sans Mono), parsed
/// once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    })
}

/// A file of the project root. Typst interns file ids for the life of the process, so the same
/// few paths are used for every report.
fn project_file(path: &str) -> FileId {
    // The paths are constants of this crate, all absolute and without `..`.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("invalid built-in path {path}"));
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

/// What any other file or package answers: reports import nothing.
fn not_found(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Package(package) => FileError::Package(PackageError::NotFound(package.clone())),
        VirtualRoot::Project => FileError::NotFound(PathBuf::from(id.vpath().get_with_slash())),
    }
}
