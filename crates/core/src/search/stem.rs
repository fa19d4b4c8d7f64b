//! Tantivy's stemming filter with a memory of the words it has stemmed. The same few thousand
//! words come back in document after document, and Snowball's French stemmer was the biggest
//! single cost of indexing (a fifth of the indexing threads' time in a profile of a full
//! reindex at a million files). The stems are Snowball's, as tantivy's `Stemmer` gives them.

use std::collections::HashMap;

use tantivy::tokenizer::{Language, Token, TokenFilter, TokenStream, Tokenizer};

/// How many words each analyzer remembers before it starts over: about 400 KB at most, for each
/// of the few analyzers alive at once (one a language and an indexing thread).
const REMEMBERED: usize = 4_000;

/// A [`TokenFilter`] that stems tokens (expected lower-cased) in a language, remembering them.
#[derive(Clone, Copy)]
pub(crate) struct CachedStemmer {
    algorithm: frostem::Algorithm,
}

impl CachedStemmer {
    /// French or English (the languages the index analyses); any other falls back to English.
    pub(crate) fn new(language: Language) -> CachedStemmer {
        let algorithm = match language {
            Language::French => frostem::Algorithm::French,
            _ => frostem::Algorithm::English,
        };
        CachedStemmer { algorithm }
    }
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { stemmer: frostem::Stemmer::new(self.algorithm), inner: tokenizer, stems: HashMap::new() }
    }
}

#[derive(Clone)]
pub(crate) struct CachedStemmerFilter<T> {
    stemmer: frostem::Stemmer,
    inner: T,
    /// Word → stem, for the words seen since the last start over.
    stems: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.stems.len() >= REMEMBERED {
            self.stems.clear();
        }
        CachedStemmerStream { tail: self.inner.token_stream(text), stemmer: self.stemmer, stems: &mut self.stems }
    }
}

pub(crate) struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    stems: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(&token.text) {
            token.text.clear();
            token.text.push_str(stem);
        } else {
            let stem = self.stemmer.stem(&token.text).into_owned();
            let word = std::mem::replace(&mut token.text, stem);
            if self.stems.len() < REMEMBERED {
                self.stems.insert(word, token.text.clone());
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The same stems as tantivy's own stemmer, the first time a word is seen and every time
    /// after, in both languages; and the memory starts over when full.
    #[test]
    fn remembered_stems_are_tantivys_stems() {
        let text = "Les inspections des bâtiments municipaux, inspectées et inspectrices; the buildings \
                    were inspected, inspecting inspectors, connections connected";
        for language in [Language::French, Language::English] {
            let mut theirs = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .build();
            let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(CachedStemmer::new(language))
                .build();
            let expected = tokens(&mut theirs, text);
            let unstemmed =
                tokens(&mut TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).build(), text);
            assert_ne!(expected, unstemmed, "{language:?} stems something");
            for _ in 0..3 {
                assert_eq!(tokens(&mut ours, text), expected, "{language:?}");
            }
        }
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer::new(Language::French))
            .build();
        let many: String = (0..REMEMBERED + 10).map(|n| format!("mot{n}s ")).collect();
        assert_eq!(tokens(&mut ours, &many).len(), REMEMBERED + 10);
        let mut theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::French))
            .build();
        assert_eq!(tokens(&mut ours, text), tokens(&mut theirs, text), "still right after starting over");
    }
}
