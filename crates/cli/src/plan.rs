//! `plan` and `rule`: import, list and export the classification plan and the retention
//! schedule, and show a rule with all its versions. Each command unpacks, calls the core, prints.

use std::path::Path;

use greffier_core::{
    retention::{fold_whitespace, RetentionRule},
    CopyRule, Lang, PlanFormat, PlanImportReport, RuleContent,
};

use crate::{
    args::ExportFormat,
    context::{CliError, Context},
    run::{print_json, Outcome},
};

pub fn import(ctx: &Context, file: &Path) -> Result<Outcome, CliError> {
    // Refuse another format, or a file too large for a plan, before the vault is opened:
    // nothing changes.
    let (format, bytes) = PlanFormat::read_file(file)?;
    let (mut vault, session) = ctx.open_session()?;
    let report = vault.import_plan(&session, format, &bytes)?;
    if ctx.json {
        print_json(&report);
    } else {
        print_import(ctx.lang, &report);
    }
    Ok(Outcome::Success)
}

fn print_import(lang: Lang, report: &PlanImportReport) {
    let s = &report.schedule;
    if report.classes > 0 {
        println!(
            "{}",
            lang.pick(
                format!(
                    "{} classes lues ({} nouvelles, {} modifiées, {} inchangées).",
                    report.classes, report.classes_created, report.classes_updated, report.classes_unchanged
                ),
                format!(
                    "{} classes read ({} new, {} changed, {} unchanged).",
                    report.classes, report.classes_created, report.classes_updated, report.classes_unchanged
                ),
            )
        );
    }
    println!(
        "{}",
        lang.pick(
            format!(
                "{} règles importées ({} nouvelles, {} révisées, {} inchangées), {} exemplaires, {} classes créées.",
                s.rules, s.created, s.revised, s.unchanged, s.copies, report.classes_created
            ),
            format!(
                "{} rules imported ({} new, {} revised, {} unchanged), {} copies, {} classes created.",
                s.rules, s.created, s.revised, s.unchanged, s.copies, report.classes_created
            ),
        )
    );
}

pub fn list(ctx: &Context) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let classes = vault.list_classes(&session)?;
    if ctx.json {
        print_json(&classes);
        return Ok(Outcome::Success);
    }
    let l = ctx.lang;
    if classes.is_empty() {
        println!(
            "{}",
            l.pick(
                "Le plan est vide. Importez un calendrier avec `greffier plan import FICHIER.xml`.",
                "The plan is empty. Import a schedule with `greffier plan import FILE.xml`."
            )
        );
        return Ok(Outcome::Success);
    }
    let width = classes.iter().map(|c| 2 * c.depth as usize + c.code.chars().count()).max().unwrap_or(0);
    for class in &classes {
        let code = format!("{}{}", "  ".repeat(class.depth as usize), class.code);
        let retired = if class.active { "" } else { l.pick(" (retirée)", " (retired)") };
        let rules = if class.rules.is_empty() {
            String::new()
        } else {
            format!("  [{} {}]", l.pick("règles", "rules"), class.rules.join(", "))
        };
        println!("{code:<width$}  {}{retired}{rules}", class.title(l));
    }
    Ok(Outcome::Success)
}

pub fn export(ctx: &Context, format: ExportFormat, file: &Path) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    // The permission is checked and the bytes made before the file is created, so a refusal
    // never leaves an empty or clobbered file.
    let (bytes, format) = match format {
        ExportFormat::Csv => (vault.export_plan(&session, PlanFormat::Csv, ctx.lang)?, "csv"),
        ExportFormat::Xlsx => (vault.export_plan(&session, PlanFormat::Xlsx, ctx.lang)?, "xlsx"),
        ExportFormat::Xml => (vault.export_plan(&session, PlanFormat::Xml, ctx.lang)?, "xml"),
        ExportFormat::Pdf => {
            let report = vault.schedule_report(&session, ctx.lang, chrono::Local::now().date_naive())?;
            (crate::report::render_schedule(&report)?, "pdf")
        }
    };
    greffier_core::write_whole(file, |out| {
        out.write_all(&bytes)
            .map_err(|e| greffier_core::IoError { action: "write", path: file.to_owned(), source: e }.into())
    })?;
    if ctx.json {
        print_json(&serde_json::json!({ "file": file, "bytes": bytes.len(), "format": format }));
    } else {
        println!(
            "{} {} ({} {})",
            ctx.lang.pick("Plan exporté :", "Plan exported:"),
            file.display(),
            bytes.len(),
            ctx.lang.pick("octets", "bytes")
        );
    }
    Ok(Outcome::Success)
}

/// `plan move`: `parent` is `None` for the top of the plan (clap requires --parent or --top).
pub fn move_class(ctx: &Context, code: &str, parent: Option<&str>, to: &str) -> Result<Outcome, CliError> {
    let (mut vault, session) = ctx.open_session()?;
    let report = vault.move_class(&session, code, parent, to)?;
    if ctx.json {
        print_json(&report);
        return Ok(Outcome::Success);
    }
    let l = ctx.lang;
    if let Some(moved) = report.classes.first() {
        println!(
            "{}",
            l.pick(
                format!(
                    "Classe déplacée : {} → {} ({} dossier(s) dans la branche).",
                    moved.from, moved.to, report.files
                ),
                format!("Class moved: {} → {} ({} file(s) in the branch).", moved.from, moved.to, report.files),
            )
        );
    }
    let width = report.classes.iter().map(|c| c.from.chars().count()).max().unwrap_or(0);
    for change in &report.classes {
        println!("  {:<width$}  →  {}", change.from, change.to);
    }
    Ok(Outcome::Success)
}

pub fn show(ctx: &Context, number: &str) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let rule = vault.rule(&session, number)?;
    if ctx.json {
        print_json(&rule);
    } else {
        print_rule(ctx.lang, &rule);
    }
    Ok(Outcome::Success)
}

fn yes_no(lang: Lang, value: Option<bool>) -> &'static str {
    match value {
        Some(true) => lang.pick("oui", "yes"),
        Some(false) => lang.pick("non", "no"),
        None => lang.pick("non précisé", "not given"),
    }
}

fn print_rule(l: Lang, rule: &RetentionRule) {
    let title = rule.current().map(|v| v.content.series_title.as_str()).unwrap_or_default();
    println!("{} {} — {}", l.pick("Règle", "Rule"), rule.number, fold_whitespace(title));
    let last = rule.versions.len();
    for version in &rule.versions {
        let origin = match version.origin.as_str() {
            "import" => l.pick("importée", "imported"),
            _ => l.pick("révisée", "revised"),
        };
        let current = if version.version as usize == last { l.pick(" [actuelle]", " [current]") } else { "" };
        println!();
        println!(
            "  Version {} — {} {} · {} {} · {} {}{current}",
            version.version,
            l.pick("en vigueur le", "effective"),
            version.effective_date,
            origin,
            version.recorded_at,
            l.pick("par", "by"),
            version.author,
        );
        print_content(l, &version.content, &version.note);
    }
}

fn print_content(l: Lang, c: &RuleContent, note: &str) {
    let field = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            println!("    {label:<26} {}", fold_whitespace(value));
        }
    };
    field(l.pick("Note de révision", "Revision note"), note);
    field(l.pick("Classes", "Classes"), &c.classes.join(", "));
    field(l.pick("Déclencheur", "Clock starts at"), &c.trigger.label(l));
    field(l.pick("Documents essentiels", "Essential documents"), yes_no(l, c.essential));
    field(l.pick("Documents confidentiels", "Confidential documents"), yes_no(l, c.confidential));
    field(l.pick("Description", "Description"), &c.description);
    field(l.pick("Processus ou activité", "Process or activity"), &c.process_activity);
    field(l.pick("Unités détentrices", "Holding units"), &c.holding_units);
    field(l.pick("Types de documents", "Document types"), &c.document_types);
    field(l.pick("Référence légale", "Legal reference"), &c.legal_reference);
    field(l.pick("Recueil", "Collection"), &c.collection);
    field(l.pick("N° au recueil", "Number in collection"), &c.collection_number);
    field(l.pick("Organisme", "Organisation"), &c.organisation_id);
    field("TYPE_TRANS", &c.transaction_type);
    field("GRILLECHAN", &c.grillechan);
    field(l.pick("Remarques sur les délais", "Remarks on periods"), &c.period_remarks);
    field(l.pick("Remarques générales", "General remarks"), &c.general_remarks);
    println!("    {}", l.pick("Exemplaires", "Copies"));
    for (index, copy) in c.copies.iter().enumerate() {
        print_copy(l, c, index + 1, copy);
    }
}

fn print_copy(l: Lang, c: &RuleContent, position: usize, copy: &CopyRule) {
    let remark = |reference: &Option<String>| match reference {
        None => String::new(),
        Some(label) => match c.remark(label) {
            Some(text) => format!("  [{label} : {text}]"),
            None => {
                format!("  [{label} : {}]", l.pick("remarque introuvable dans la règle", "no such remark in the rule"))
            }
        },
    };
    let delay = copy.delay_number.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
    println!(
        "      {position}. {} ({}){delay} · {} {}{}",
        copy.kind.label(l),
        copy.kind.code(),
        l.pick("supports", "media"),
        copy.media,
        remark(&copy.media_remark)
    );
    println!("         {:<12} {}{}", l.pick("actif", "active"), copy.active.label(l), remark(&copy.active_remark));
    println!(
        "         {:<12} {}{}",
        l.pick("semi-actif", "semi-active"),
        copy.semi_active.label(l),
        remark(&copy.semi_active_remark)
    );
    println!(
        "         {:<12} {}{}",
        l.pick("disposition", "disposition"),
        copy.disposition.label(l),
        remark(&copy.disposition_remark)
    );
}
