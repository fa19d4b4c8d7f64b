//! Titles, descriptions and notes: templates from `vocab.rs` with their slots filled, phrases
//! strung into sentences, and the skewed draws that make some words common and others rare.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rand::Rng;

use super::vocab::{
    Area, CITIES, FIRST_NAMES, JOBS, LAST_NAMES, MONTHS_EN, MONTHS_FR, ORGANISATIONS, PHRASES_EN, PHRASES_FR,
    RARE_PHRASES_EN, RARE_PHRASES_FR, SERVICES, STREETS,
};
use super::{date_of, END};

/// Bounds on the words of a title and of a description.
pub(crate) const TITLE_WORDS: (usize, usize) = (3, 12);
pub(crate) const DESCRIPTION_WORDS: (usize, usize) = (10, 40);
/// Share of descriptions that open with a rare phrase: each rare word is then in about four
/// files in a thousand, so that any 2,000-file set finds it (about eight times), and a hundred
/// times fewer than the heavy words.
const RARE_SHARE: f64 = 0.06;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

/// A Zipf-like draw over `n` ranks: rank `i` has weight `1 / (i + 1)^exponent`.
pub(crate) struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub(crate) fn new(n: usize, exponent: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n.max(1))
            .map(|i| {
                total += 1.0 / ((i + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// The weight of ranks `ranks` over the whole.
    pub(crate) fn share(&self, ranks: impl Iterator<Item = usize>) -> f64 {
        let total = self.total();
        ranks.map(|i| self.cumulative[i] - if i == 0 { 0.0 } else { self.cumulative[i - 1] }).sum::<f64>() / total
    }

    pub(crate) fn sample(&self, rng: &mut impl Rng) -> usize {
        let x = rng.gen::<f64>() * self.total();
        self.cumulative.partition_point(|&c| c <= x).min(self.cumulative.len() - 1)
    }

    fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(1.0)
    }
}

/// Zipf tables for every list length of the vocabulary, so any list can be drawn skewed.
pub(crate) struct Skew {
    tables: Vec<Zipf>,
}

impl Skew {
    pub(crate) fn new() -> Skew {
        Skew { tables: (0..=80).map(|n| Zipf::new(n, 1.0)).collect() }
    }

    /// An entry of `list`, the first ones more often. `list` is never empty.
    pub(crate) fn pick<'a, T>(&self, rng: &mut impl Rng, list: &'a [T]) -> &'a T {
        let index = match self.tables.get(list.len()) {
            Some(table) => table.sample(rng),
            None => rng.gen_range(0..list.len()),
        };
        &list[index.min(list.len() - 1)]
    }
}

/// A person named in a title or a phrase: first name, last name, whether a woman.
pub(crate) type Named<'a> = (&'a str, &'a str, bool);

/// What slots are filled from, for one file.
pub(crate) struct Context<'a> {
    pub(crate) lang: Lang,
    pub(crate) year: i32,
    /// The day the file was opened (days from the common era).
    pub(crate) opened: i32,
    /// The first person linked to the file, named in its title; a passer-by when there is none.
    pub(crate) person: Option<Named<'a>>,
}

/// Counts the words of `text`: runs without spaces that hold a letter or a digit.
pub(crate) fn words(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

/// A title of `area`, within `TITLE_WORDS`, into `out`.
pub(crate) fn title(area: &Area, ctx: &Context<'_>, rng: &mut impl Rng, skew: &Skew, out: &mut String) {
    let templates = match ctx.lang {
        Lang::Fr => area.titles_fr,
        Lang::En => area.titles_en,
    };
    // Long services and organisations can push a template past twelve words: draw again, a few
    // times, then fall back on a short title. Every step draws from `rng`, so it stays seeded.
    for _ in 0..4 {
        out.clear();
        let template = templates[rng.gen_range(0..templates.len())];
        render(template, ctx, rng, skew, out);
        let n = words(out);
        // A place or a year after some titles that name neither, so that equal templates differ
        // in length.
        if n < TITLE_WORDS.0 || (n < TITLE_WORDS.1 - 2 && rng.gen_bool(0.2)) {
            if !template.contains("{c}") {
                render(" — {c}", ctx, rng, skew, out);
            } else if !template.contains("{y}") {
                render(" ({y})", ctx, rng, skew, out);
            }
        }
        if (TITLE_WORDS.0..=TITLE_WORDS.1).contains(&words(out)) {
            return;
        }
    }
    out.clear();
    let fallback = match ctx.lang {
        Lang::Fr => "Dossier {y}-{n} — {c}",
        Lang::En => "File {y}-{n} — {c}",
    };
    render(fallback, ctx, rng, skew, out);
}

/// A description of `area`, within `DESCRIPTION_WORDS`, into `out`; `scratch` is working space.
pub(crate) fn description(
    area: &Area,
    ctx: &Context<'_>,
    rng: &mut impl Rng,
    skew: &Skew,
    out: &mut String,
    scratch: &mut String,
) {
    let (general, own, rare) = match ctx.lang {
        Lang::Fr => (PHRASES_FR, area.phrases_fr, RARE_PHRASES_FR),
        Lang::En => (PHRASES_EN, area.phrases_en, RARE_PHRASES_EN),
    };
    out.clear();
    let target = rng.gen_range(DESCRIPTION_WORDS.0..=DESCRIPTION_WORDS.1);
    let mut rare_first = rng.gen_bool(RARE_SHARE);
    let mut count = 0;
    let mut used: [&str; 12] = [""; 12];
    for phrases in 0.. {
        let mut phrase = "";
        if rare_first {
            phrase = rare[rng.gen_range(0..rare.len())];
            rare_first = false;
        } else {
            // The commonest phrases would often come twice: draw again, a few times, rather.
            for _ in 0..4 {
                let list = if rng.gen_bool(0.6) { general } else { own };
                phrase = *skew.pick(rng, list);
                if !used.contains(&phrase) {
                    break;
                }
            }
        }
        used[phrases % used.len()] = phrase;
        scratch.clear();
        render(phrase, ctx, rng, skew, scratch);
        let n = words(scratch);
        if count + n > DESCRIPTION_WORDS.1 {
            // No phrase is longer than ten words, so this only happens past the minimum.
            break;
        }
        let new_sentence = count == 0 || rng.gen_bool(0.35);
        if count > 0 {
            out.push_str(if new_sentence { ". " } else { ", " });
        }
        if new_sentence {
            push_capitalised(out, scratch);
        } else {
            out.push_str(scratch);
        }
        count += n;
        if count >= target {
            break;
        }
    }
    out.push('.');
}

/// Fills the slots of `template` (listed in `vocab.rs`) and appends the result to `out`.
pub(crate) fn render(template: &str, ctx: &Context<'_>, rng: &mut impl Rng, skew: &Skew, out: &mut String) {
    let mut person = ctx.person;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let slot = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let fr = ctx.lang == Lang::Fr;
        match slot {
            "p" | "e" => {
                let (first, last, female) = *person.get_or_insert_with(|| passer_by(rng, skew));
                if slot == "p" {
                    // "de Amina" is "d'Amina" in French.
                    if fr && out.ends_with(" de ") && first.starts_with(['A', 'E', 'É', 'I', 'O', 'U', 'H']) {
                        out.truncate(out.len() - 2);
                        out.push('\'');
                    }
                    let _ = write!(out, "{first} {last}");
                } else {
                    out.push_str(if female { "employée" } else { "employé" });
                }
            }
            "c" => out.push_str(skew.pick::<&str>(rng, CITIES)),
            "n" => {
                let _ = write!(out, "{:04}", rng.gen_range(1..=9999));
            }
            "y" => {
                let _ = write!(out, "{}", ctx.year);
            }
            "y2" => {
                let _ = write!(out, "{}", ctx.year + rng.gen_range(1..=5));
            }
            "d" => match rng.gen_range(1..=28) {
                1 if fr => out.push_str("1er"),
                day => {
                    let _ = write!(out, "{day}");
                }
            },
            "m" => out.push_str(if fr { MONTHS_FR } else { MONTHS_EN }[rng.gen_range(0..12)]),
            "date" => {
                let day = date_of((ctx.opened + rng.gen_range(0..=400)).min(END.num_days_from_ce()));
                push_long_date(out, day, ctx.lang);
            }
            "o" => out.push_str(skew.pick::<&str>(rng, ORGANISATIONS)),
            "s" | "sa" => {
                let (bare, with_article, english) = *skew.pick(rng, SERVICES);
                out.push_str(match (fr, slot) {
                    (false, _) => english,
                    (true, "sa") => with_article,
                    (true, _) => bare,
                });
            }
            "j" | "dj" => {
                let (french, after_de, english) = JOBS[rng.gen_range(0..JOBS.len())];
                out.push_str(match (fr, slot) {
                    (false, _) => english,
                    (true, "dj") => after_de,
                    (true, _) => french,
                });
            }
            "a" => {
                let _ = write!(out, "{}, {}", rng.gen_range(1..=2999), *skew.pick(rng, STREETS));
            }
            "v" => {
                let _ = write!(out, "{}.{}", rng.gen_range(1..=4), rng.gen_range(0..=9));
            }
            "k" => {
                let _ = write!(out, "{}", rng.gen_range(2..=5));
            }
            // Templates are ours and tested; an unknown slot is shown as is rather than lost.
            other => {
                let _ = write!(out, "{{{other}}}");
            }
        }
    }
    out.push_str(rest);
}

/// Someone named in a title when no person is linked to the file.
fn passer_by(rng: &mut impl Rng, skew: &Skew) -> Named<'static> {
    let last = *skew.pick(rng, LAST_NAMES);
    let (first, female) = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
    (first, last, female)
}

fn push_long_date(out: &mut String, day: NaiveDate, lang: Lang) {
    let month = day.month0() as usize;
    let _ = match lang {
        Lang::Fr if day.day() == 1 => write!(out, "1er {} {}", MONTHS_FR[month], day.year()),
        Lang::Fr => write!(out, "{} {} {}", day.day(), MONTHS_FR[month], day.year()),
        Lang::En => write!(out, "{} {}, {}", MONTHS_EN[month], day.day(), day.year()),
    };
}

fn push_capitalised(out: &mut String, text: &str) {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}
