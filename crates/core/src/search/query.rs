//! What people type, turned into tantivy's query syntax: French field names (`classe:`,
//! `projet:`, `statut:`…) become the index's, and the stem of a prefix query (`Québ*`) is folded
//! as the index folds words, since tantivy does not analyse wildcard terms.

/// French and English names of the fields a query may name, and the index's name for each.
const ALIASES: &[(&str, &str)] = &[
    ("classe", "class"),
    ("class", "class"),
    ("projet", "project"),
    ("project", "project"),
    ("statut", "status"),
    ("status", "status"),
    ("sensibilite", "sensitivity"),
    ("sensibilité", "sensitivity"),
    ("sensitivity", "sensitivity"),
    ("echeance", "due"),
    ("échéance", "due"),
    ("due", "due"),
    ("personne", "person"),
    ("person", "person"),
    ("reference", "reference"),
    ("référence", "reference"),
    ("ref", "reference"),
    ("titre", "title"),
    ("title", "title"),
];

/// A prefix term (`insp*`, `ref:D-19*`), which tantivy's parser does not analyse: the search
/// builds it itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    pub negated: bool,
    pub field: Option<&'static str>,
    /// Folded like the index's words (or lower-cased for codes).
    pub stem: String,
}

/// A query rewritten: the text for tantivy's parser, and the prefix terms taken out of it
/// (each must match, or must not when negated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    pub prefixes: Vec<Prefix>,
}

/// Splits the prefix terms out of a query already rewritten by [`rewrite_query`].
pub fn split_prefixes(query: &str) -> Rewritten {
    let mut text = String::new();
    let mut prefixes = Vec::new();
    let mut in_quotes = false;
    let mut word = String::new();
    let mut flush = |word: &mut String, text: &mut String| {
        if word.is_empty() {
            return;
        }
        let (negated, rest) = match word.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, word.strip_prefix('+').unwrap_or(word)),
        };
        let (field, value) = match rest.split_once(':') {
            Some((name, value)) => (ALIASES.iter().find(|(_, f)| *f == name).map(|(_, f)| *f), value),
            None => (None, rest),
        };
        match value.strip_suffix('*') {
            Some(stem) if !stem.is_empty() && !stem.contains('*') && (field.is_some() || !rest.contains(':')) => {
                prefixes.push(Prefix { negated, field, stem: stem.to_owned() });
            }
            _ => text.push_str(word),
        }
        word.clear();
    };
    for ch in query.chars() {
        if ch == '"' {
            flush(&mut word, &mut text);
            in_quotes = !in_quotes;
            text.push(ch);
        } else if in_quotes {
            text.push(ch);
        } else if ch.is_whitespace() || ch == '(' || ch == ')' {
            flush(&mut word, &mut text);
            text.push(ch);
        } else {
            word.push(ch);
        }
    }
    flush(&mut word, &mut text);
    Rewritten { text, prefixes }
}

/// Rewrites a query as described in the module's comment. Text inside quotes is left alone.
pub fn rewrite_query(query: &str) -> String {
    rewrite(query, false)
}

/// [`rewrite_query`] for a query on persons, whose own words are in the index's `who` field:
/// `person:` (or `personne:`) names it there. A prefix keeps `person`, which the search maps.
pub fn rewrite_person_query(query: &str) -> String {
    rewrite(query, true)
}

fn rewrite(query: &str, persons: bool) -> String {
    let mut out = String::with_capacity(query.len());
    let mut in_quotes = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        out.push_str(&rewrite_word(word, persons));
        word.clear();
    };
    for ch in query.chars() {
        if ch == '"' {
            flush(&mut word, &mut out);
            in_quotes = !in_quotes;
            out.push(ch);
        } else if in_quotes {
            out.push(ch);
        } else if ch.is_whitespace() || ch == '(' || ch == ')' {
            flush(&mut word, &mut out);
            out.push(ch);
        } else {
            word.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn rewrite_word(word: &str, persons: bool) -> String {
    let (sign, rest) = match word.strip_prefix(['+', '-']) {
        Some(rest) => (&word[..1], rest),
        None => ("", word),
    };
    let (field, value) = match rest.split_once(':') {
        Some((name, value)) => {
            let lower = name.to_lowercase();
            match ALIASES.iter().find(|(alias, _)| *alias == lower) {
                Some((_, field)) => (Some(*field), value),
                None => return word.to_owned(),
            }
        }
        None => (None, rest),
    };
    let value = match value.strip_suffix('*') {
        Some(stem) if !stem.is_empty() && field.is_none_or(|f| !is_code_field(f)) => {
            format!("{}*", super::fold(stem).replace(' ', ""))
        }
        Some(stem) if !stem.is_empty() => format!("{}*", stem.to_lowercase()),
        _ => value.to_owned(),
    };
    // A status or a sensitivity in French or in other words (`statut:semi_actif`,
    // `sensibilité:confidentiel`): the index holds each as its code.
    let value = match field {
        _ if value.ends_with('*') => value,
        Some("status") => crate::FileStatus::parse(&value).map_or(value, |status| status.as_str().to_owned()),
        Some("sensitivity") => {
            crate::Sensitivity::parse(&value).map_or(value, |sensitivity| sensitivity.as_str().to_owned())
        }
        _ => value,
    };
    let field = match field {
        Some("person") if persons && !value.ends_with('*') => Some("who"),
        field => field,
    };
    match field {
        Some(field) => format!("{sign}{field}:{value}"),
        None => format!("{sign}{value}"),
    }
}

/// Whether `name` is the index's name of a field people may name (see [`ALIASES`]).
pub(super) fn is_field(name: &str) -> bool {
    ALIASES.iter().any(|(_, field)| *field == name)
}

fn is_code_field(field: &str) -> bool {
    matches!(field, "class" | "project" | "status" | "sensitivity" | "due" | "reference")
}

#[cfg(test)]
mod tests {
    use super::rewrite_query;

    #[test]
    fn french_field_names_and_prefixes_are_rewritten() {
        assert_eq!(rewrite_query("classe:100-20 Québ*"), "class:100-20 queb*");
        assert_eq!(rewrite_query("projet:PRJ-01 -statut:inactive"), "project:PRJ-01 -status:inactive");
        assert_eq!(
            rewrite_query("statut:semi_actif sensibilité:Confidentiel status:versé statut:autre"),
            "status:semi_active sensitivity:confidential status:transferred status:autre"
        );
        assert_eq!(rewrite_query("\"classe:x Québ*\" titre:rapport"), "\"classe:x Québ*\" title:rapport");
        assert_eq!(rewrite_query("(échéance:2031 OR due:2032)"), "(due:2031 OR due:2032)");
        assert_eq!(rewrite_query("inconnu:valeur"), "inconnu:valeur");
        assert_eq!(rewrite_query("ref:D-19*"), "reference:d-19*");
        assert_eq!(rewrite_query("personne:Roy"), "person:Roy");
        assert_eq!(super::rewrite_person_query("personne:Roy person:Bé* Roy"), "who:Roy person:be* Roy");
    }

    #[test]
    fn prefixes_are_taken_out_for_the_search_to_build() {
        let r = super::split_prefixes(&rewrite_query("Québ* contrat -reference:D-19* \"mot*\""));
        assert_eq!(r.text.split_whitespace().collect::<Vec<_>>(), ["contrat", "\"mot*\""]);
        assert_eq!(
            r.prefixes,
            [
                super::Prefix { negated: false, field: None, stem: "queb".into() },
                super::Prefix { negated: true, field: Some("reference"), stem: "d-19".into() },
            ]
        );
    }
}
