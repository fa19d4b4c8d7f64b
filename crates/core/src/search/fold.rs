//! The index's word analyser in one pass: the words of tantivy's `SimpleTokenizer` (runs of
//! letters and digits), words of 40 bytes or more dropped (`RemoveLongFilter`), lower case
//! (`LowerCaser`) and accents folded (`AsciiFoldingFilter`), with the same tokens, positions and
//! offsets as that chain of four (a test compares them).
//!
//! Why: in a full reindex at a million files the chain was about a tenth of the CPU time. Each
//! filter looked at every word again, and every accented letter went through Unicode's tables
//! twice. Here a word is read once: ASCII letters are lower-cased as they are copied, and the
//! letters of Latin-1 and Latin Extended-A/B (French and English accents, ligatures) are looked
//! up in a table that tantivy's own lower-casing and folding filled, letter by letter (both work
//! letter by letter, so a word comes out as theirs). A word with any other letter goes through
//! tantivy's filters whole.

use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Words this long in bytes, or longer, are dropped (as `RemoveLongFilter::limit(40)`).
pub(crate) const LONGEST: usize = 40;

/// The letters below this code point that are not ASCII have their entry in [`latin`].
const LATIN_END: u32 = 0x250;

/// For each character from U+0080 to U+024F: whether it is a letter or digit (part of a word),
/// and what tantivy's lower-casing then folding make of it alone.
struct Latin {
    word: Vec<bool>,
    folded: Vec<Box<str>>,
}

fn latin() -> &'static Latin {
    static LATIN: std::sync::OnceLock<Latin> = std::sync::OnceLock::new();
    LATIN.get_or_init(|| {
        let mut filters = other_analyzer();
        let (mut word, mut folded) = (Vec::new(), Vec::new());
        for code in 0x80..LATIN_END {
            let c = char::from_u32(code).unwrap_or(' ');
            word.push(c.is_alphanumeric());
            let mut out = String::new();
            filters.token_stream(c.encode_utf8(&mut [0u8; 4])).process(&mut |t| out.push_str(&t.text));
            folded.push(out.into_boxed_str());
        }
        Latin { word, folded }
    })
}

/// Lower case then folding, of a whole word as one token (tantivy's filters).
fn other_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build()
}

/// Whether a character that is not ASCII belongs to a word (as `char::is_alphanumeric`).
#[inline]
fn in_word(c: char) -> bool {
    match (c as u32).checked_sub(0x80) {
        Some(i) if (c as u32) < LATIN_END => latin().word[i as usize],
        _ => c.is_alphanumeric(),
    }
}

#[derive(Clone)]
pub(crate) struct FoldTokenizer {
    token: Token,
    /// Lower case and folding for a word with a letter beyond the table (tantivy's own filters).
    other: TextAnalyzer,
}

impl Default for FoldTokenizer {
    fn default() -> FoldTokenizer {
        FoldTokenizer { token: Token::default(), other: other_analyzer() }
    }
}

pub(crate) struct FoldStream<'a> {
    text: &'a str,
    /// Where the next word is looked for, in bytes.
    at: usize,
    token: &'a mut Token,
    other: &'a mut TextAnalyzer,
}

impl Tokenizer for FoldTokenizer {
    type TokenStream<'a> = FoldStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldStream<'a> {
        self.token.reset();
        FoldStream { text, at: 0, token: &mut self.token, other: &mut self.other }
    }
}

/// The character at `at` (a char boundary of `text`), and its length in bytes.
#[inline]
fn char_at(text: &str, at: usize) -> (char, usize) {
    let c = text[at..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

impl FoldStream<'_> {
    /// The next word's start and end, and whether it is all ASCII; `None` at the end.
    #[inline]
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let bytes = self.text.as_bytes();
        let mut at = self.at;
        // Up to the next letter or digit.
        let start = loop {
            let &b = bytes.get(at)?;
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    break at;
                }
                at += 1;
            } else {
                let (c, len) = char_at(self.text, at);
                if in_word(c) {
                    break at;
                }
                at += len;
            }
        };
        // Up to the first character that is neither.
        let mut ascii = true;
        while let Some(&b) = bytes.get(at) {
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
            } else {
                let (c, len) = char_at(self.text, at);
                if !in_word(c) {
                    break;
                }
                ascii = false;
                at += len;
            }
        }
        self.at = at;
        Some((start, at, ascii))
    }
}

impl TokenStream for FoldStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end, ascii)) = self.next_word() {
            // Positions count the dropped words too, as the chain's did.
            self.token.position = self.token.position.wrapping_add(1);
            if end - start >= LONGEST {
                continue;
            }
            let word = &self.text[start..end];
            self.token.text.clear();
            let text = &mut self.token.text;
            if ascii {
                text.push_str(word);
                text.make_ascii_lowercase();
            } else if word.chars().all(|c| (c as u32) < LATIN_END) {
                let latin = latin();
                for c in word.chars() {
                    if c.is_ascii() {
                        text.push(c.to_ascii_lowercase());
                    } else {
                        text.push_str(&latin.folded[c as usize - 0x80]);
                    }
                }
            } else {
                self.other.token_stream(word).process(&mut |folded| text.push_str(&folded.text));
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};

    use super::*;

    /// The chain of four filters this tokenizer stands for.
    fn chain() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LONGEST))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push((t.text.clone(), t.position, t.offset_from, t.offset_to)));
        out
    }

    fn same_as_chain(text: &str) {
        let mut fused = TextAnalyzer::from(FoldTokenizer::default());
        assert_eq!(tokens(&mut fused, text), tokens(&mut chain(), text), "{text:?}");
    }

    #[test]
    fn words_are_folded_as_the_chain_folds_them() {
        for text in [
            "",
            "   ",
            "Québec, QUÉBEC et quebec",
            "Procès-verbal du conseil d'administration (2024-03-01)",
            "Œuvres d’ÆSCHYLE: straße, ﬁnances, Ǆemal, İstanbul, ΣΟΦΙΑ",
            "déneigement123 3e étage n°4 ½ ② ⅷ",
            "un mot de quarante lettres exactement: abcdefghijabcdefghijabcdefghijabcdefghij fin",
            "trente-neuf: abcdefghijabcdefghijabcdefghijabcdefghi, puis éabcdefghijabcdefghijabcdefghijabcdefgh",
            "emoji 🙂 between👍words, CJK 東京都 and Hangul 서울 ĳssel",
            "tabs\tand\nnewlines\r\nand\u{a0}nbsp\u{2009}thin",
            "combining: e\u{301}cole cafe\u{301}",
        ] {
            same_as_chain(text);
        }
    }

    /// Every letter of the table, and a little past it, alone, inside a word and at its ends.
    #[test]
    fn each_latin_letter_is_folded_as_the_chain_folds_it() {
        for code in 0x80..0x300u32 {
            let Some(c) = char::from_u32(code) else { continue };
            same_as_chain(&format!("{c} a{c}b {c}{c}x Q{c} {c}Z"));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_text_is_folded_as_the_chain_folds_it(
            text in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::char::range('a', 'z'),
                    1 => proptest::char::range('A', 'Z'),
                    1 => proptest::char::range('0', '9'),
                    2 => proptest::sample::select(vec![' ', ',', '-', '\'', '.', '\n', '’', '«', '»', '(', '/']),
                    2 => proptest::sample::select(vec!['é', 'è', 'à', 'ç', 'É', 'Ô', 'œ', 'Æ', 'ß', 'ﬁ', 'İ', 'ẞ', 'Σ', 'ς']),
                    2 => proptest::char::range('\u{80}', '\u{2ff}'),
                    1 => proptest::char::any(),
                ],
                0..120,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            same_as_chain(&text);
        }

        #[test]
        fn long_words_are_dropped_at_the_same_length(letter in proptest::sample::select(vec!['a', 'é', 'Z', '7']), n in 30usize..45) {
            let word: String = std::iter::repeat_n(letter, n).collect();
            same_as_chain(&format!("avant {word} après"));
        }
    }
}
