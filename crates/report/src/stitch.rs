//! One PDF written as it goes from the PDFs of a report's chunks: each chunk's pages and what
//! they use are renumbered after the previous chunk's objects and written at once, their byte
//! offsets kept for the cross-reference table; an attachment is compressed straight into the
//! output; the page tree, the catalog, the information dictionary, the table and the trailer
//! close the file. Only the offsets (a few bytes per object) and the page ids stay in memory.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    io::Write,
};

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use crate::ReportError;

/// The page tree's root, written last but referred to by every page as it is written.
const PAGES_ID: u32 = 1;

/// Attributes a page inherits from its ancestors in the page tree (PDF 32000, 7.7.3.4): copied
/// onto each page, since its new parent is a root that has none.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Entries of the first chunk's catalog that describe the whole document and are kept. Not its
/// XMP `/Metadata`, which gives the chunk's number of pages (the information dictionary has
/// the title, author and dates).
const CATALOG_KEPT: [&[u8]; 3] = [b"Lang", b"ViewerPreferences", b"PageMode"];

/// A file embedded in the PDF (such as a certificate's `certificate.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name, as a PDF reader lists it.
    pub name: String,
    /// Its media type, such as `text/csv`.
    pub mime_type: String,
    /// What it is, in the report's language.
    pub description: String,
}

impl Attachment {
    /// A certificate's data as CSV, `certificate.csv`: `greffier audit verify --certificate
    /// FILE.pdf` reads it back ([`crate::attachment`]) and checks it against the vault.
    pub fn certificate_csv(french: bool) -> Attachment {
        Attachment {
            name: "certificate.csv".into(),
            mime_type: "text/csv".into(),
            description: if french {
                "Données du certificat (greffier audit verify --certificate)"
            } else {
                "The certificate's data (greffier audit verify --certificate)"
            }
            .into(),
        }
    }
}

/// The PDF being written.
pub(crate) struct StitchedPdf<W: Write> {
    out: Counting<W>,
    /// The byte offset of each object written, by object number (0 is the free head).
    offsets: Vec<u64>,
    pages: Vec<u32>,
    /// The first chunk's information dictionary and the catalog entries kept from it.
    info: Option<Dictionary>,
    catalog: Dictionary,
    /// The first chunk's file identifier, which the trailer carries.
    file_id: Option<Object>,
    /// The embedded files: their names and their file specifications' numbers.
    attachments: Vec<(String, u32)>,
    /// The attachment whose stream is open, if any (see [`StitchedPdf::begin_attachment`]).
    open: Option<OpenAttachment>,
}

struct OpenAttachment {
    name: String,
    length_id: u32,
    spec_id: u32,
    /// The file specification, written when the stream ends.
    spec: Dictionary,
    /// Where the stream's bytes start, for its `/Length`.
    start: u64,
    /// What the encoder has produced and not yet written.
    encoder: flate2::write::ZlibEncoder<Vec<u8>>,
}

impl<W: Write> StitchedPdf<W> {
    /// Starts the file. Typst writes PDF 1.7.
    pub(crate) fn new(out: W) -> Result<StitchedPdf<W>, ReportError> {
        let mut out = Counting { inner: out, written: 0 };
        // The binary comment tells transfer programs the file is binary.
        out.write_all(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n").map_err(write_failed)?;
        Ok(StitchedPdf {
            out,
            // Object 0 is the free list's head; the page tree's root is reserved.
            offsets: vec![0, 0],
            pages: Vec::new(),
            info: None,
            catalog: Dictionary::new(),
            file_id: None,
            attachments: Vec::new(),
            open: None,
        })
    }

    /// How many pages have been written.
    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Appends the first `take` pages of `pdf` (a chunk typst made), with every object they use.
    pub(crate) fn append(&mut self, pdf: &[u8], take: usize) -> Result<(), ReportError> {
        let document =
            lopdf::Document::load_mem(pdf).map_err(|e| stitch(format!("a chunk does not read back: {e}")))?;
        let first = self.info.is_none();
        let page_ids: Vec<ObjectId> = document.page_iter().take(take).collect();

        // The pages, each with what it inherits made its own, and no parent yet.
        let mut pages: Vec<Dictionary> = Vec::with_capacity(page_ids.len());
        for &id in &page_ids {
            let mut page = document.get_dictionary(id).map_err(|e| stitch(format!("a page is damaged: {e}")))?.clone();
            let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
            while let Some(parent_id) = parent {
                let Ok(node) = document.get_dictionary(parent_id) else { break };
                for key in INHERITED {
                    if !page.has(key) {
                        if let Ok(value) = node.get(key) {
                            page.set(key, value.clone());
                        }
                    }
                }
                parent = node.get(b"Parent").and_then(Object::as_reference).ok();
            }
            page.remove(b"Parent");
            pages.push(page);
        }
        let mut kept = Dictionary::new();
        if first {
            if let Ok(catalog) = document.catalog() {
                for key in CATALOG_KEPT {
                    if let Ok(value) = catalog.get(key) {
                        kept.set(key, value.clone());
                    }
                }
            }
        }

        // Every object the pages (and the kept catalog entries) reach, numbered in the order
        // found. The page tree's nodes and the catalog are never followed: they are replaced.
        let next = self.offsets.len() as u32;
        let mut numbers: HashMap<ObjectId, u32> = HashMap::new();
        let mut order: Vec<ObjectId> = Vec::new();
        for &id in &page_ids {
            numbers.insert(id, next + order.len() as u32);
            order.push(id);
        }
        let taken: HashSet<ObjectId> = page_ids.iter().copied().collect();
        let mut queue: VecDeque<ObjectId> = VecDeque::new();
        let mut found = |object: &Object, queue: &mut VecDeque<ObjectId>| {
            references(object, &mut |id| {
                if !numbers.contains_key(&id) && is_content(document.objects.get(&id)) {
                    numbers.insert(id, next + order.len() as u32);
                    order.push(id);
                    queue.push_back(id);
                }
            });
        };
        for page in &pages {
            for (_, value) in page.iter() {
                found(value, &mut queue);
            }
        }
        for (_, value) in kept.iter() {
            found(value, &mut queue);
        }
        while let Some(id) = queue.pop_front() {
            if let Some(object) = document.objects.get(&id) {
                found(object, &mut queue);
            }
        }

        // Written in that order, references renumbered; a reference to anything left behind
        // (the old page tree, a page not taken) becomes null.
        let mut pages = pages.into_iter();
        for id in &order {
            let is_page = taken.contains(id);
            let mut object = if is_page {
                Object::Dictionary(pages.next().unwrap_or_default())
            } else {
                document.objects.get(id).cloned().unwrap_or(Object::Null)
            };
            renumber(&mut object, &numbers);
            if let Object::Dictionary(page) = &mut object {
                if is_page {
                    page.set("Parent", Object::Reference((PAGES_ID, 0)));
                }
            }
            if let Object::Stream(stream) = &mut object {
                // A length given as a reference would point at an object not copied.
                let length = stream.content.len() as i64;
                stream.dict.set("Length", length);
            }
            let number = self.write_object(&object)?;
            debug_assert_eq!(Some(&number), numbers.get(id), "objects are written in the order numbered");
            if is_page {
                self.pages.push(number);
            }
        }

        if first {
            renumber_dictionary(&mut kept, &numbers);
            self.catalog = kept;
            // The document's title, author, creator and date, as typst wrote them.
            let info = document
                .trailer
                .get(b"Info")
                .ok()
                .and_then(|info| match info {
                    Object::Reference(id) => document.get_dictionary(*id).ok().cloned(),
                    Object::Dictionary(dict) => Some(dict.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            let info = info.into_iter().filter(|(_, value)| !matches!(value, Object::Reference(_))).collect();
            self.info = Some(info);
            self.file_id = document.trailer.get(b"ID").ok().filter(|id| matches!(id, Object::Array(_))).cloned();
        }
        Ok(())
    }

    /// Opens the stream of an embedded file; its content follows through
    /// [`write_attachment`](StitchedPdf::write_attachment), compressed as it comes, and
    /// [`end_attachment`](StitchedPdf::end_attachment) closes it.
    pub(crate) fn begin_attachment(&mut self, attachment: &Attachment) -> Result<(), ReportError> {
        if self.open.is_some() {
            return Err(stitch("an attachment was begun before the previous one ended".into()));
        }
        let file_id = self.reserve();
        let length_id = self.reserve();
        let spec_id = self.reserve();
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
        dict.set("Subtype", Object::Name(attachment.mime_type.as_bytes().to_vec()));
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        // The length is known only at the end: an indirect object written after the stream.
        dict.set("Length", Object::Reference((length_id, 0)));
        self.offsets[file_id as usize] = self.out.written;
        writeln!(self.out, "{file_id} 0 obj").map_err(write_failed)?;
        lopdf::Writer::write_object(&mut self.out, &Object::Dictionary(dict)).map_err(write_failed)?;
        self.out.write_all(b"\nstream\n").map_err(write_failed)?;

        let mut spec = Dictionary::new();
        spec.set("Type", Object::Name(b"Filespec".to_vec()));
        spec.set("F", text_string(&attachment.name));
        spec.set("UF", text_string(&attachment.name));
        spec.set("Desc", text_string(&attachment.description));
        spec.set("AFRelationship", Object::Name(b"Data".to_vec()));
        let mut files = Dictionary::new();
        files.set("F", Object::Reference((file_id, 0)));
        files.set("UF", Object::Reference((file_id, 0)));
        spec.set("EF", files);
        self.open = Some(OpenAttachment {
            name: attachment.name.clone(),
            length_id,
            spec_id,
            spec,
            start: self.out.written,
            encoder: flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default()),
        });
        Ok(())
    }

    /// Adds to the open attachment.
    pub(crate) fn write_attachment(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let Some(open) = &mut self.open else {
            return Err(std::io::Error::other("no attachment is open"));
        };
        open.encoder.write_all(bytes)?;
        // What the encoder has produced goes out now and then, so memory stays small.
        if open.encoder.get_ref().len() >= 64 * 1024 {
            let produced = std::mem::take(open.encoder.get_mut());
            self.out.write_all(&produced)?;
        }
        Ok(())
    }

    /// Closes the open attachment: the rest of its stream, its length, its specification.
    pub(crate) fn end_attachment(&mut self) -> Result<(), ReportError> {
        let Some(open) = self.open.take() else {
            return Err(stitch("an attachment was ended that was never begun".into()));
        };
        let rest = open.encoder.finish().map_err(write_failed)?;
        self.out.write_all(&rest).map_err(write_failed)?;
        let length = self.out.written - open.start;
        self.out.write_all(b"\nendstream\nendobj\n").map_err(write_failed)?;
        self.write_numbered(open.length_id, &Object::Integer(length as i64))?;
        self.write_numbered(open.spec_id, &Object::Dictionary(open.spec))?;
        self.attachments.push((open.name, open.spec_id));
        Ok(())
    }

    /// Writes the page tree, the catalog, the information dictionary, the cross-reference
    /// table and the trailer; answers the output.
    pub(crate) fn finish(mut self) -> Result<W, ReportError> {
        if self.open.is_some() {
            return Err(stitch("the PDF was closed with an attachment still open".into()));
        }
        if self.pages.is_empty() {
            return Err(stitch("the PDF has no page".into()));
        }
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Count", self.pages.len() as i64);
        pages.set("Kids", self.pages.iter().map(|&id| Object::Reference((id, 0))).collect::<Vec<_>>());
        self.write_numbered(PAGES_ID, &Object::Dictionary(pages))?;

        let mut catalog = std::mem::take(&mut self.catalog);
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((PAGES_ID, 0)));
        if !self.attachments.is_empty() {
            // The embedded files' name tree, sorted by name as a name tree must be.
            let mut sorted = self.attachments.clone();
            sorted.sort();
            let names: Vec<Object> =
                sorted.iter().flat_map(|(name, id)| [text_string(name), Object::Reference((*id, 0))]).collect();
            let mut tree = Dictionary::new();
            tree.set("Names", names);
            let mut all = Dictionary::new();
            all.set("EmbeddedFiles", tree);
            catalog.set("Names", all);
            // The files are associated with the document (PDF 2.0, PDF/A-3).
            catalog.set("AF", self.attachments.iter().map(|(_, id)| Object::Reference((*id, 0))).collect::<Vec<_>>());
        }
        let catalog_id = self.write_object(&Object::Dictionary(catalog))?;
        let info = self.info.take().unwrap_or_default();
        let info_id = self.write_object(&Object::Dictionary(info))?;

        let xref = self.out.written;
        let size = self.offsets.len();
        let mut table = String::with_capacity(20 * size + 32);
        table.push_str(&format!("xref\n0 {size}\n0000000000 65535 f \n"));
        for offset in &self.offsets[1..] {
            table.push_str(&format!("{offset:010} 00000 n \n"));
        }
        self.out.write_all(table.as_bytes()).map_err(write_failed)?;
        let mut trailer = Dictionary::new();
        trailer.set("Size", size as i64);
        trailer.set("Root", Object::Reference((catalog_id, 0)));
        trailer.set("Info", Object::Reference((info_id, 0)));
        if let Some(id) = self.file_id.take() {
            trailer.set("ID", id);
        }
        self.out.write_all(b"trailer\n").map_err(write_failed)?;
        lopdf::Writer::write_object(&mut self.out, &Object::Dictionary(trailer)).map_err(write_failed)?;
        write!(self.out, "\nstartxref\n{xref}\n%%EOF\n").map_err(write_failed)?;
        self.out.flush().map_err(write_failed)?;
        Ok(self.out.inner)
    }

    /// A number for an object written later.
    fn reserve(&mut self) -> u32 {
        self.offsets.push(0);
        (self.offsets.len() - 1) as u32
    }

    /// Writes an object under the next number; answers the number.
    fn write_object(&mut self, object: &Object) -> Result<u32, ReportError> {
        let id = self.reserve();
        self.write_numbered(id, object)?;
        Ok(id)
    }

    fn write_numbered(&mut self, id: u32, object: &Object) -> Result<(), ReportError> {
        self.offsets[id as usize] = self.out.written;
        writeln!(self.out, "{id} 0 obj").map_err(write_failed)?;
        lopdf::Writer::write_object(&mut self.out, object).map_err(write_failed)?;
        self.out.write_all(b"\nendobj\n").map_err(write_failed)
    }
}

/// Whether a referenced object is copied with the pages that use it: not the page tree, the
/// catalog, or a page left out.
fn is_content(object: Option<&Object>) -> bool {
    let Some(object) = object else { return false };
    let kind = match object {
        Object::Dictionary(dict) => dict.get(b"Type").and_then(Object::as_name).ok(),
        Object::Stream(stream) => stream.dict.get(b"Type").and_then(Object::as_name).ok(),
        _ => None,
    };
    !matches!(kind, Some(b"Pages" | b"Page" | b"Catalog"))
}

/// Calls `each` with every reference in `object`, at any depth.
fn references(object: &Object, each: &mut dyn FnMut(ObjectId)) {
    match object {
        Object::Reference(id) => each(*id),
        Object::Array(items) => items.iter().for_each(|item| references(item, each)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, value)| references(value, each)),
        Object::Stream(stream) => stream.dict.iter().for_each(|(_, value)| references(value, each)),
        _ => {}
    }
}

/// Replaces each reference by its new number, or by null when its object is not copied.
fn renumber(object: &mut Object, numbers: &HashMap<ObjectId, u32>) {
    match object {
        Object::Reference(id) => {
            *object = match numbers.get(id) {
                Some(&number) => Object::Reference((number, 0)),
                None => Object::Null,
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|item| renumber(item, numbers)),
        Object::Dictionary(dict) => renumber_dictionary(dict, numbers),
        Object::Stream(stream) => renumber_dictionary(&mut stream.dict, numbers),
        _ => {}
    }
}

fn renumber_dictionary(dict: &mut Dictionary, numbers: &HashMap<ObjectId, u32>) {
    for (_, value) in dict.iter_mut() {
        renumber(value, numbers);
    }
}

/// A PDF text string: ASCII as it is, anything else in UTF-16BE with its byte order mark.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// The output, counting the bytes written: the offsets of the cross-reference table.
struct Counting<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn stitch(reason: String) -> ReportError {
    ReportError::Stitch { reason }
}

fn write_failed(error: std::io::Error) -> ReportError {
    ReportError::Output { reason: error.to_string() }
}
