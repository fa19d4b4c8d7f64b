//! Stems, at query time. The index holds each text's words once, folded (lower case, accents
//! off); a word of a query also finds the words of the index that share its French or its English
//! stem (Snowball's, as Lucene's analysers give them): `inspection` finds `inspections` and
//! `inspecté`, `invoices` finds `invoice`.
//!
//! The index used to hold every text's stems too, in a second pass of analysis over every text:
//! a third of the work of indexing. Here the words that share a stem are looked up in the term
//! dictionary when a query is read: they all begin with the stem less its last
//! [`STEM_DRIFT`] letters, so a short range of the dictionary holds them all.

use std::collections::HashSet;

use tantivy::{schema::Field, Searcher};

use super::SearchError;

/// How many letters at its end a stem can differ from the word it comes from by: Snowball's
/// French and English stemmers replace at most the last two letters of what they keep
/// (`dying` → `die`, `aabilemment` → `aabilent`). Measured on 759 million forms (every word of
/// the sample plan, of 200,000 generated files and of the English Hunspell dictionary, alone
/// and with one or two of the stemmers' suffixes added); the tests check a sample.
pub(crate) const STEM_DRIFT: usize = 2;

/// At most this many words of the dictionary are read for one word of a query (a stem of three
/// letters in a very large dictionary); past it, the words read so far are kept.
const MAX_SCANNED: usize = 50_000;

/// At most this many other words are looked for with a word of a query.
const MAX_SIBLINGS: usize = 64;

/// A folded word's French and English stems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stems {
    fr: String,
    en: String,
}

impl Stems {
    /// The stems of a folded word; `None` for words that are not made of three letters or more
    /// (numbers, codes, little words), which are looked for as they are.
    pub(crate) fn of(word: &str) -> Option<Stems> {
        if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        Some(Stems { fr: stem(frostem::Algorithm::French, word), en: stem(frostem::Algorithm::English, word) })
    }

    /// Whether `word` (folded) has one of these stems.
    fn shared_by(&self, word: &str) -> bool {
        (word.starts_with(range_start(&self.fr)) && stem(frostem::Algorithm::French, word) == self.fr)
            || (word.starts_with(range_start(&self.en)) && stem(frostem::Algorithm::English, word) == self.en)
    }

    /// The prefixes every word with one of these stems begins with: one, or two when neither
    /// holds the other.
    fn prefixes(&self) -> Vec<&str> {
        let (fr, en) = (range_start(&self.fr), range_start(&self.en));
        if fr.starts_with(en) {
            vec![en]
        } else if en.starts_with(fr) {
            vec![fr]
        } else {
            vec![fr, en]
        }
    }
}

fn stem(algorithm: frostem::Algorithm, word: &str) -> String {
    frostem::Stemmer::new(algorithm).stem(word).into_owned()
}

/// What every word with the stem `stem` begins with: the stem less its last [`STEM_DRIFT`]
/// letters, and at least its first letter.
fn range_start(stem: &str) -> &str {
    &stem[..stem.len().saturating_sub(STEM_DRIFT).max(1).min(stem.len())]
}

/// The words of `field` in the index, other than `word` (folded), that share its French or
/// English stem, in the dictionary's order.
pub(crate) fn siblings(searcher: &Searcher, field: Field, word: &str) -> Result<Vec<String>, SearchError> {
    let Some(stems) = Stems::of(word) else {
        return Ok(Vec::new());
    };
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut found = Vec::new();
    let mut scanned = 0;
    for prefix in stems.prefixes() {
        let mut end = prefix.as_bytes().to_vec();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut terms = index
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .lt(&end)
                .into_stream()
                .map_err(|e| SearchError::Index { detail: e.to_string() })?;
            while terms.advance() {
                scanned += 1;
                if scanned > MAX_SCANNED {
                    return Ok(sorted(found));
                }
                let key = terms.key();
                if key == word.as_bytes() || seen.contains(key) {
                    continue;
                }
                seen.insert(key.to_vec());
                if let Ok(candidate) = std::str::from_utf8(key) {
                    if stems.shared_by(candidate) {
                        found.push(candidate.to_owned());
                        if found.len() >= MAX_SIBLINGS {
                            return Ok(sorted(found));
                        }
                    }
                }
            }
        }
    }
    Ok(sorted(found))
}

fn sorted(mut words: Vec<String>) -> Vec<String> {
    words.sort_unstable();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common_prefix(a: &str, b: &str) -> usize {
        a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
    }

    /// Every form's stem begins with what the range starts at: the bound holds on a sample of
    /// words with the stemmers' own suffixes (the measurement in [`STEM_DRIFT`]'s note covered
    /// 759 million). With a drift of one, it fails (`dying` → `die`).
    #[test]
    fn a_word_begins_with_its_stems_range() {
        const BASES: &[&str] = &[
            "inspect", "servic", "contrat", "factur", "employ", "evalu", "rapport", "verif", "deneig", "chev", "bai",
            "nation", "relat", "possib", "gener", "argu", "dy", "ly", "ti", "sky", "new", "abil", "commun", "procede",
            "reclam", "electr", "gouvern", "amend", "admin", "direct", "qu", "gu", "archiv", "dossi",
        ];
        const SUFFIXES: &[&str] = &[
            "", "s", "e", "es", "ee", "ees", "er", "ers", "ez", "ing", "ingly", "ed", "edly", "ly", "y", "ies", "ied",
            "ational", "tional", "enci", "anci", "abli", "entli", "izer", "ization", "ation", "ator", "alism", "aliti",
            "alli", "fulness", "ousli", "ousness", "iveness", "iviti", "biliti", "bli", "ogi", "li", "ness", "ment",
            "ments", "ement", "emment", "amment", "ance", "ence", "able", "ible", "ant", "ent", "ism", "ate", "iti",
            "ous", "ive", "ize", "aux", "eaux", "euse", "euses", "atrice", "ateur", "ations", "logie", "usion",
            "ution", "ences", "ite", "ites", "if", "ive", "ives", "eux", "issement", "issant", "ions", "erions",
            "assions", "erais", "irent", "ier", "iere", "ierement", "yeux", "gue", "guer", "quement",
        ];
        let mut checked = 0;
        for base in BASES {
            for first in SUFFIXES {
                for second in ["", "s", "ement", "ation", "ly", "ing", "es", "eux"] {
                    let word = format!("{base}{first}{second}");
                    for algorithm in [frostem::Algorithm::French, frostem::Algorithm::English] {
                        let stem = stem(algorithm, &word);
                        assert!(word.starts_with(range_start(&stem)), "{word} → {stem}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 40_000, "{checked}");
        let die = stem(frostem::Algorithm::English, "dying");
        assert_eq!(die, "die");
        assert!(common_prefix("dying", &die) + STEM_DRIFT >= die.len());
        assert!(common_prefix("dying", &die) + 1 < die.len(), "a drift of one would miss `dying`");
    }

    #[test]
    fn words_share_a_stem_in_either_language() {
        let inspection = Stems::of("inspection").expect("a word");
        for word in ["inspections", "inspecte", "inspected", "inspecting"] {
            assert!(inspection.shared_by(word), "{word}");
        }
        assert!(!inspection.shared_by("inspecteur"), "another French stem");
        assert!(Stems::of("invoices").expect("a word").shared_by("invoice"));
        assert!(!Stems::of("service").expect("a word").shared_by("servir"));
        assert_eq!(Stems::of("de"), None, "little words are looked for as they are");
        assert_eq!(Stems::of("2021"), None);
        assert_eq!(Stems::of("d2019"), None);
        let chevaux = Stems::of("chevaux").expect("a word");
        assert!(chevaux.shared_by("cheval"), "{chevaux:?}");
        assert_eq!(chevaux.prefixes(), ["chev"]);
    }
}
