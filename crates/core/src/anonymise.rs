//! Anonymisation (Quebec's access act, s. 73): for a file whose purpose is achieved but which
//! is worth keeping for public-interest purposes, instead of destroying it, remove what
//! identifies the persons it is about and keep the rest. The method, [`METHOD`], is recorded on
//! the batch and printed on its certificate:
//!
//! - every person is unlinked from the file, with the purposes and consents recorded for them;
//!   a person no other file needs is erased (name, birth date, identifiers), as a destruction
//!   does, and the index forgets them;
//! - where the file's own text (title, description, keywords, notes, holder) names one of them
//!   (first and last name in either order, last name alone, an identifier, the birth date), the
//!   words are replaced by [`PLACEHOLDER`], compared the way the search index folds words
//!   (case and accents ignored, whole words only);
//! - what is kept is an aggregate (`anonymised_files`): how many persons, the categories of
//!   information the file held about them, their birth decades;
//! - the file is then kept permanently (an exception on the file, final disposition C), and the
//!   details of its audit events, which held its former text, are erased as a destruction's are.
//!
//! A first name alone is not replaced (it is no identifier by itself and too often a common
//! word); the file's sensitivity level is left as the archivist set it, since the calendar of a
//! project may depend on it.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};

use crate::{
    audit,
    project::{FileException, Replacement},
    retention::Disposition,
    Error,
};

/// What replaces a person's name, identifier or birth date in a file's text.
pub const PLACEHOLDER: &str = "[anonymisé]";

/// The method recorded on an anonymisation batch.
pub const METHOD: &str = "anonymisation (Access Act s. 73): persons unlinked, and erased with their identifiers \
     when no other file needs them; their names, identifiers and birth dates replaced by “[anonymisé]” in the \
     file's title, description, keywords, notes and holder; kept in aggregate: number of persons, categories of \
     information, birth decades; file kept permanently";

/// A word of a text as the index folds it, with where it is (byte offsets).
struct Word {
    folded: String,
    from: usize,
    to: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut analyzer = crate::search::fold_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    stream.process(&mut |token| {
        words.push(Word { folded: token.text.clone(), from: token.offset_from, to: token.offset_to })
    });
    words
}

fn folded(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.folded).collect()
}

/// The sequences of words that name a set of persons, longest first.
#[derive(Debug, Default)]
pub(crate) struct Needles(Vec<Vec<String>>);

impl Needles {
    pub(crate) fn add_person(
        &mut self,
        last_name: &str,
        first_name: &str,
        birth_date: Option<&str>,
        identifiers: &[String],
    ) {
        let (last, first) = (folded(last_name), folded(first_name));
        if !first.is_empty() && !last.is_empty() {
            self.0.push(first.iter().chain(&last).cloned().collect());
            self.0.push(last.iter().chain(&first).cloned().collect());
        }
        // A last name alone, unless it is a single letter.
        if last.iter().map(String::len).sum::<usize>() >= 2 {
            self.0.push(last);
        }
        if let Some(date) = birth_date.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            self.0.push(folded(&date.format("%Y-%m-%d").to_string()));
            self.0.push(folded(&date.format("%d/%m/%Y").to_string()));
        }
        for identifier in identifiers {
            let spaced = folded(identifier);
            let joined = spaced.concat();
            if !spaced.is_empty() {
                self.0.push(spaced);
            }
            if !joined.is_empty() {
                self.0.push(vec![joined]);
            }
        }
        self.0.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        self.0.dedup();
    }

    /// The text with every sequence of words that names a person replaced by [`PLACEHOLDER`],
    /// and how many were replaced.
    pub(crate) fn scrub(&self, text: &str) -> (String, usize) {
        if self.0.is_empty() || text.is_empty() {
            return (text.to_owned(), 0);
        }
        let words = words(text);
        let mut out = String::with_capacity(text.len());
        let (mut at, mut i, mut replaced) = (0usize, 0usize, 0usize);
        while i < words.len() {
            let matched = self.0.iter().find(|needle| {
                needle.len() <= words.len() - i && needle.iter().zip(&words[i..]).all(|(n, w)| *n == w.folded)
            });
            match matched {
                Some(needle) => {
                    let (from, to) = (words[i].from, words[i + needle.len() - 1].to);
                    out.push_str(&text[at..from]);
                    out.push_str(PLACEHOLDER);
                    at = to;
                    i += needle.len();
                    replaced += 1;
                }
                None => i += 1,
            }
        }
        out.push_str(&text[at..]);
        (out, replaced)
    }
}

/// Who an anonymisation's records name.
pub(crate) struct Anonymiser<'a> {
    pub batch_id: i64,
    pub batch: &'a str,
    pub proposed_by: &'a str,
    pub approved_by: &'a str,
    pub executed_by: &'a str,
    pub at: &'a str,
}

/// Anonymises files inside the caller's transaction (see the module). Returns the number of
/// files anonymised and the persons they named (the caller erases those no file needs any
/// more). A file already anonymised, or no longer in the register, is passed over, so that the
/// ledger's replay can run it again.
pub(crate) fn anonymise(
    tx: &Connection,
    who: &Anonymiser<'_>,
    file_ids: &[i64],
    seq: i64,
) -> Result<(u64, BTreeSet<i64>), Error> {
    let mut read = tx.prepare(
        "SELECT reference, title, description, keywords, notes, holder, exception FROM files
         WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM anonymised_files a WHERE a.file_id = files.id)",
    )?;
    let mut persons_of = tx.prepare(
        "SELECT p.id, p.last_name, p.first_name, p.birth_date, fp.categories
         FROM file_persons fp JOIN persons p ON p.id = fp.person_id WHERE fp.file_id = ?1",
    )?;
    let mut identifiers_of = tx.prepare("SELECT value FROM person_identifiers WHERE person_id = ?1")?;
    let mut write = tx.prepare(
        "UPDATE files SET title = ?1, description = ?2, keywords = ?3, notes = ?4, holder = ?5, exception = ?6,
            disposition = 'C', change_seq = ?7, updated_at = ?8 WHERE id = ?9",
    )?;
    let mut record = tx.prepare(
        "INSERT INTO anonymised_files (file_id, reference, batch_id, persons, categories, birth_decades, replaced,
            proposed_by, approved_by, executed_by, anonymised_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut events = tx.prepare("SELECT seq FROM audit_events WHERE object_type = 'file' AND object_id = ?1")?;
    let mut all_persons = BTreeSet::new();
    let mut done = 0u64;
    for &id in file_ids {
        type Text = (String, String, String, String, String, String, Option<String>);
        let found: Option<Text> = read
            .query_row([id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?))
            })
            .optional()?;
        let Some((reference, title, description, keywords, notes, holder, exception)) = found else {
            continue;
        };
        let mut needles = Needles::default();
        let mut categories = BTreeSet::new();
        let mut decades: BTreeMap<String, u32> = BTreeMap::new();
        let mut persons = 0u32;
        let linked: Vec<(i64, String, String, Option<String>, String)> = persons_of
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (person, last, first, birth, cats) in linked {
            let identifiers: Vec<String> =
                identifiers_of.query_map([person], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
            needles.add_person(&last, &first, birth.as_deref(), &identifiers);
            categories.extend(cats.split(';').filter(|c| !c.is_empty()).map(str::to_owned));
            if let Some(year) = birth.as_deref().and_then(|b| b.get(..3)) {
                *decades.entry(format!("{year}0")).or_default() += 1;
            }
            persons += 1;
            all_persons.insert(person);
        }
        let mut replaced = 0usize;
        let mut scrub = |text: &str| {
            let (text, count) = needles.scrub(text);
            replaced += count;
            text
        };
        let mut new_title = scrub(&title);
        if new_title.trim().is_empty() {
            new_title = PLACEHOLDER.to_owned();
        }
        let (new_description, new_keywords, new_notes, new_holder) =
            (scrub(&description), scrub(&keywords), scrub(&notes), scrub(&holder));
        let mut exception: FileException = exception
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(FileException { replacement: Replacement::default(), reason: String::new() });
        exception.replacement.disposition = Some(Disposition::Keep);
        exception.reason = format!("anonymised by batch {} (Access Act s. 73), kept permanently", who.batch);
        let exception = serde_json::to_string(&exception)
            .map_err(|e| crate::IoError::new("encode", "exception", std::io::Error::other(e)))?;
        write.execute(params![
            new_title,
            new_description,
            new_keywords,
            new_notes,
            new_holder,
            exception,
            seq,
            who.at,
            id
        ])?;
        tx.execute("DELETE FROM file_person_purposes WHERE file_id = ?1", [id])?;
        tx.execute("DELETE FROM file_persons WHERE file_id = ?1", [id])?;
        let decades = decades.iter().map(|(decade, n)| format!("{decade}:{n}")).collect::<Vec<_>>().join(";");
        record.execute(params![
            id,
            reference,
            who.batch_id,
            persons,
            categories.into_iter().collect::<Vec<_>>().join(";"),
            decades,
            replaced as i64,
            who.proposed_by,
            who.approved_by,
            who.executed_by,
            who.at
        ])?;
        let seqs: Vec<u64> = events.query_map([id.to_string()], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        audit::erase_details(tx, &seqs)?;
        done += 1;
    }
    Ok((done, all_persons))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles() -> Needles {
        let mut needles = Needles::default();
        needles.add_person("Bélanger", "Zoé", Some("1984-03-12"), &["BELZ 8403 1299".to_owned()]);
        needles.add_person("Côté-Roy", "Jean-François", None, &[]);
        needles
    }

    #[test]
    fn names_in_either_order_and_case_and_accents_are_replaced() {
        let (text, n) =
            needles().scrub("Dossier de Zoé BÉLANGER — plainte de belanger, zoe contre Jean-François Côté-Roy");
        assert_eq!(text, "Dossier de [anonymisé] — plainte de [anonymisé] contre [anonymisé]");
        assert_eq!(n, 3);
    }

    #[test]
    fn identifiers_and_birth_dates_are_replaced_spaced_or_not() {
        let (text, n) =
            needles().scrub("RAMQ BELZ84031299, aussi écrit belz 8403 1299; née le 12/03/1984 (1984-03-12).");
        assert_eq!(text, "RAMQ [anonymisé], aussi écrit [anonymisé]; née le [anonymisé] ([anonymisé]).");
        assert_eq!(n, 4);
    }

    #[test]
    fn words_that_only_contain_a_name_and_first_names_alone_stay() {
        let (text, n) = needles().scrub("Bélangerie, Roy, Zoé et Côté : rien à remplacer");
        assert_eq!(text, "Bélangerie, Roy, Zoé et Côté : rien à remplacer");
        assert_eq!(n, 0);
    }
}
