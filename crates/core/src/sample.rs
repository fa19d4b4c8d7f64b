//! The sample plan that ships with Greffier: a bilingual classification plan of a Quebec
//! organisation (administration, finances, human resources, legal affairs, citizen services,
//! client mandates and expertise files) with its retention schedule: numbered rules, principal
//! and secondary copies, active and semi-active periods (years, 888, 999), dispositions C, D and
//! T, the events that start the clock and the Quebec statutes that apply.
//!
//! It is a starting point, not a schedule approved by Bibliothèque et Archives nationales du
//! Québec: an organisation adapts it before submitting its own. It lives in
//! `crates/core/data/sample-plan.csv`, in the spreadsheet format of [`crate::plan_table`]
//! (UTF-8, semicolons, French headers), and goes in through the ordinary CSV import: the same
//! checks, the same permission (managing the plan) and one `plan.import` audit event.

use crate::{Error, PlanFormat, PlanImportReport, Session, Vault};

/// The sample plan and its rules, as the CSV file that ships with Greffier.
pub const SAMPLE_PLAN_CSV: &str = include_str!("../data/sample-plan.csv");

impl Vault {
    /// Imports the sample plan through [`Vault::import_plan`]: the acting user must be allowed to
    /// manage the plan, and the import is audited like any other. Into a plan that already has
    /// some of its classes or rules, those take the sample's values (a changed rule gets a new
    /// version); importing it twice changes nothing the second time.
    pub fn import_sample_plan(&mut self, session: &Session) -> Result<PlanImportReport, Error> {
        self.import_plan(session, PlanFormat::Csv, SAMPLE_PLAN_CSV.as_bytes())
    }
}
