//! Persons of the register. A person's identity is drawn from its own generator, seeded by the
//! run's seed and the person's number, so every row that names `P-0004512` names the same person
//! and no table of persons is kept in memory.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::text::Skew;
use super::vocab::{FIRST_NAMES, LAST_NAMES};
use super::{date_of, push_date};

/// Who a person is: the same on every row that names them.
pub(crate) struct Identity {
    /// `P-0004512`.
    pub(crate) key: String,
    pub(crate) last_name: &'static str,
    pub(crate) first_name: &'static str,
    pub(crate) female: bool,
    /// `YYYY-MM-DD`.
    pub(crate) birth_date: String,
    pub(crate) identifier_type: IdentifierType,
    pub(crate) identifier: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdentifierType {
    Sin,
    HealthInsurance,
    DriverLicence,
    ClientNumber,
    EmployeeNumber,
}

impl IdentifierType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IdentifierType::Sin => "sin",
            IdentifierType::HealthInsurance => "health_insurance",
            IdentifierType::DriverLicence => "driver_licence",
            IdentifierType::ClientNumber => "client_number",
            IdentifierType::EmployeeNumber => "employee_number",
        }
    }

    /// The category of personal information the identifier itself is, if it is one.
    pub(crate) fn category(self) -> Option<usize> {
        match self {
            IdentifierType::Sin => Some(0),
            IdentifierType::HealthInsurance => Some(1),
            IdentifierType::DriverLicence => Some(2),
            IdentifierType::ClientNumber | IdentifierType::EmployeeNumber => None,
        }
    }
}

/// The categories of personal information a link may name, in their canonical order.
pub(crate) const CATEGORIES: [&str; 11] = [
    "sin",
    "health_insurance_number",
    "driver_licence",
    "date_of_birth",
    "contact",
    "financial",
    "health",
    "family",
    "employment",
    "education",
    "judicial",
];

/// The identity of person number `index` (from 0) of the run seeded with `seed`.
pub(crate) fn identity(seed: u64, index: usize, skew: &Skew) -> Identity {
    // Two rounds of SplitMix64 spread neighbouring (seed, index) pairs over unrelated streams.
    let mut rng = StdRng::seed_from_u64(splitmix64(splitmix64(seed ^ 0x5045_5253_4f4e_5321) ^ index as u64));
    let last_name = *skew.pick(&mut rng, LAST_NAMES);
    let (first_name, female) = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
    let (min, max) = BIRTH_RANGE;
    let birth = date_of(rng.gen_range(min.num_days_from_ce()..=max.num_days_from_ce()));
    let mut birth_date = String::with_capacity(10);
    push_date(&mut birth_date, birth);
    let identifier_type = match rng.gen_range(0..100) {
        0..=29 => IdentifierType::Sin,
        30..=54 => IdentifierType::HealthInsurance,
        55..=69 => IdentifierType::DriverLicence,
        70..=84 => IdentifierType::ClientNumber,
        _ => IdentifierType::EmployeeNumber,
    };
    let identifier = match identifier_type {
        IdentifierType::Sin => sin(&mut rng),
        IdentifierType::HealthInsurance => health_insurance(&mut rng, last_name, first_name, female, birth),
        IdentifierType::DriverLicence => {
            let mut id = initial(last_name).to_string();
            for _ in 0..12 {
                id.push(char::from(b'0' + rng.gen_range(0..10u8)));
            }
            id
        }
        IdentifierType::ClientNumber => format!("CL-{:07}", rng.gen_range(1..10_000_000)),
        IdentifierType::EmployeeNumber => format!("E-{:05}", rng.gen_range(1..100_000)),
    };
    Identity {
        key: format!("P-{:07}", index + 1),
        last_name,
        first_name,
        female,
        birth_date,
        identifier_type,
        identifier,
    }
}

const BIRTH_RANGE: (NaiveDate, NaiveDate) =
    match (NaiveDate::from_ymd_opt(1930, 1, 1), NaiveDate::from_ymd_opt(2010, 12, 31)) {
        (Some(min), Some(max)) => (min, max),
        _ => panic!("valid dates"),
    };

/// A social insurance number, `123 456 782`: nine digits that pass the Luhn check, and a first
/// digit that is issued (neither 0 nor 8).
fn sin(rng: &mut impl Rng) -> String {
    const FIRST: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 9];
    let mut digits = [0u8; 9];
    digits[0] = FIRST[rng.gen_range(0..FIRST.len())];
    for digit in &mut digits[1..8] {
        *digit = rng.gen_range(0..10);
    }
    // Luhn: every second digit from the left (the 2nd, 4th, 6th, 8th) is doubled, its digits summed.
    let sum: u32 = digits[..8]
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let twice = d * 2;
                twice / 10 + twice % 10
            } else {
                d
            }
        })
        .sum();
    digits[8] = ((10 - sum % 10) % 10) as u8;
    let mut out = String::with_capacity(11);
    for (i, d) in digits.iter().enumerate() {
        if i == 3 || i == 6 {
            out.push(' ');
        }
        out.push(char::from(b'0' + d));
    }
    out
}

/// A RAMQ-like health insurance number, `TREM 8503 1512`: three letters of the last name, the
/// first of the given name, the birth date as YYMMDD (50 added to a woman's month), two digits.
fn health_insurance(rng: &mut impl Rng, last: &str, first: &str, female: bool, birth: NaiveDate) -> String {
    let mut letters: String = last.chars().filter_map(ascii_letter).take(3).collect();
    while letters.len() < 3 {
        letters.push('X');
    }
    letters.push(initial(first));
    let month = birth.month() + if female { 50 } else { 0 };
    let mut out = letters;
    let _ = write!(
        out,
        " {:02}{:02} {:02}{:02}",
        birth.year() % 100,
        month,
        birth.day(),
        rng.gen_range(10..100) // Real numbers use 1–9 for the first digit of the administrative code.
    );
    out
}

fn initial(name: &str) -> char {
    name.chars().find_map(ascii_letter).unwrap_or('X')
}

/// The upper-case ASCII letter of `c` with its accent removed; `None` for a hyphen or an apostrophe.
fn ascii_letter(c: char) -> Option<char> {
    let base = match c {
        'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'A',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'î' | 'ï' | 'Î' | 'Ï' => 'I',
        'ô' | 'ö' | 'Ô' | 'Ö' => 'O',
        'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ç' | 'Ç' => 'C',
        c if c.is_ascii_alphabetic() => c.to_ascii_uppercase(),
        _ => return None,
    };
    Some(base)
}

/// SplitMix64's finaliser: a good scrambler of 64-bit values.
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramq_numbers_follow_the_name_and_the_birth_date() {
        let mut rng = StdRng::seed_from_u64(1);
        let birth = date_of(NaiveDate::from_ymd_opt(1985, 3, 15).map_or(0, |d| d.num_days_from_ce()));
        let id = health_insurance(&mut rng, "Côté", "Émilie", true, birth);
        assert!(id.starts_with("COTE 8553 15"), "letters, year, month + 50 for a woman, day: {id}");
        let id = health_insurance(&mut rng, "Roy", "Jean", false, birth);
        assert!(id.starts_with("ROYJ 8503 15"), "{id}");
    }
}
