//! `due`, `hold`, `disposition`, `certificate`, `destroyed` and `audit verify --certificate`:
//! the destruction calendar and what auditors sign. Each command unpacks, calls the core, prints.

use std::path::Path;

use greffier_core::{
    disposition::ExecutionPhase, plan_table::parse_date, Batch, BatchKind, DueKind, DueQuery, FileDecision, Hold,
    HoldKind, HoldTarget, Lang, RegisterFormat, ReviewDecision,
};

use crate::{
    args::{CertificateCommand, DispositionCommand, DueArgs, HoldCommand},
    context::{CliError, Context},
    run::{print_json, Outcome},
};

fn usage(en: String, fr: String) -> CliError {
    CliError::Usage { en, fr }
}

fn date(text: &str) -> Result<chrono::NaiveDate, CliError> {
    parse_date(text).ok_or_else(|| {
        usage(
            format!("“{text}” is not a date: write YYYY-MM-DD or DD/MM/YYYY."),
            format!("« {text} » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA."),
        )
    })
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn due_kind(text: &str) -> Result<DueKind, CliError> {
    DueKind::parse(text).ok_or_else(|| {
        usage(
            format!("“{text}” is not a kind: destruction, transfer or review."),
            format!("« {text} » n'est pas un type : destruction, transfer ou review."),
        )
    })
}

fn batch_kind(text: &str) -> Result<BatchKind, CliError> {
    BatchKind::parse(text).ok_or_else(|| {
        usage(
            format!("“{text}” is not a batch kind: destruction, transfer or anonymisation."),
            format!("« {text} » n'est pas un type de lot : destruction, transfer ou anonymisation."),
        )
    })
}

fn write_error(path: &Path, error: impl std::fmt::Display) -> CliError {
    CliError::Write { path: path.display().to_string(), reason: error.to_string() }
}

pub fn due(ctx: &Context, args: DueArgs) -> Result<Outcome, CliError> {
    let query = DueQuery {
        until: args.until.as_deref().map(date).transpose()?.unwrap_or_else(today),
        project: args.project,
        kind: args.kind.as_deref().map(due_kind).transpose()?,
        class: args.class,
    };
    let (vault, session) = ctx.open_session()?;
    if let Some(path) = args.export {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let count = match extension.as_deref() {
            Some(format @ ("csv" | "xlsx")) => {
                let format = if format == "xlsx" { RegisterFormat::Xlsx } else { RegisterFormat::Csv };
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let count = vault.export_due(&session, &query, ctx.lang, format, &path, &mut |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                    true
                });
                bar.finish_and_clear();
                count?
            }
            Some("pdf") => crate::report::write_due_list(&vault, &session, &query, ctx.lang, &path)?,
            _ => {
                return Err(usage(
                    format!("{}: the due list exports to a .csv, .xlsx or .pdf file.", path.display()),
                    format!(
                        "{} : la liste des échéances s'exporte dans un fichier .csv, .xlsx ou .pdf.",
                        path.display()
                    ),
                ))
            }
        };
        if ctx.json {
            print_json(&serde_json::json!({ "files": count, "path": path }));
        } else {
            println!(
                "{}",
                ctx.lang.pick(
                    format!("{count} dossier(s) échu(s) exporté(s) dans {}.", path.display()),
                    format!("{count} due file(s) exported to {}.", path.display())
                )
            );
        }
        return Ok(Outcome::Success);
    }
    let page = vault.due_files(&session, &query, args.offset, args.limit)?;
    if ctx.json {
        print_json(&page);
        return Ok(Outcome::Success);
    }
    let l = ctx.lang;
    println!(
        "{}",
        l.pick(
            format!("{} dossier(s) échu(s) au {} :", page.total, query.until),
            format!("{} file(s) due by {}:", page.total, query.until)
        )
    );
    for f in &page.files {
        let mut notes = Vec::new();
        if let Some(hold) = &f.held_by {
            notes.push(format!("{} {hold}", l.pick("suspendu", "held")));
        }
        if let Some(batch) = &f.batch {
            notes.push(format!("{} {batch}", l.pick("lot", "batch")));
        }
        println!(
            "  {}  {:<16} {:<10} {} {} v{}  {}{}",
            f.due_on,
            f.reference,
            f.class,
            f.disposition,
            f.rule,
            f.rule_version,
            f.title,
            if notes.is_empty() { String::new() } else { format!("  [{}]", notes.join(", ")) }
        );
    }
    if page.offset + (page.files.len() as u64) < page.total {
        println!(
            "{}",
            l.pick(
                format!(
                    "… {} de plus (--offset {}).",
                    page.total - page.offset - page.files.len() as u64,
                    page.offset + page.files.len() as u64
                ),
                format!(
                    "… {} more (--offset {}).",
                    page.total - page.offset - page.files.len() as u64,
                    page.offset + page.files.len() as u64
                )
            )
        );
    }
    Ok(Outcome::Success)
}

fn print_hold(l: Lang, h: &Hold) {
    let state = match (&h.released_at, &h.released_by) {
        (Some(at), Some(by)) => {
            format!("{} {by} {at} ({})", l.pick("levée par", "released by"), h.release_reason.as_deref().unwrap_or(""))
        }
        _ => l.pick("en vigueur", "in force").to_owned(),
    };
    println!(
        "{}  {} {}  {}: {}  — {} {} {}  [{state}]",
        h.number,
        h.target_type,
        h.target,
        h.kind.label(l),
        h.reason,
        l.pick("placée par", "placed by"),
        h.placed_by,
        h.placed_at
    );
}

pub fn hold(ctx: &Context, command: HoldCommand) -> Result<Outcome, CliError> {
    match command {
        HoldCommand::Add { file, person, class, project, kind, reason, request } => {
            let target = match (file, person, class, project) {
                (Some(reference), None, None, None) => HoldTarget::File(reference),
                (None, Some(id), None, None) => HoldTarget::Person(id),
                (None, None, Some(code), None) => HoldTarget::Class(code),
                (None, None, None, Some(code)) => HoldTarget::Project(code),
                _ => {
                    return Err(usage(
                        "Say what to hold: --file REF, --person ID, --class CODE or --project CODE.".into(),
                        "Dites quoi suspendre : --file RÉF, --person N°, --class CODE ou --project CODE.".into(),
                    ))
                }
            };
            let kind = HoldKind::parse(&kind).ok_or_else(|| {
                usage(
                    format!("“{kind}” is not a kind of hold: litigation, access_request, audit, investigation, other."),
                    format!("« {kind} » n'est pas un type de suspension : litigation, access_request, audit, investigation, other."),
                )
            })?;
            let (mut vault, session) = ctx.open_session()?;
            let hold = vault.place_hold(&session, target, kind, &reason, request.as_deref())?;
            if ctx.json {
                print_json(&hold);
            } else {
                print_hold(ctx.lang, &hold);
            }
        }
        HoldCommand::Release { number, reason } => {
            let (mut vault, session) = ctx.open_session()?;
            let hold = vault.release_hold(&session, &number, &reason)?;
            if ctx.json {
                print_json(&hold);
            } else {
                print_hold(ctx.lang, &hold);
            }
        }
        HoldCommand::List { all, file } => {
            let (vault, session) = ctx.open_session()?;
            let holds = match file {
                Some(reference) => vault.holds_on_file(&session, &reference)?,
                None => vault.holds(&session, all)?,
            };
            if ctx.json {
                print_json(&holds);
            } else if holds.is_empty() {
                println!("{}", ctx.lang.pick("Aucune mise en suspens.", "No holds."));
            } else {
                holds.iter().for_each(|h| print_hold(ctx.lang, h));
            }
        }
    }
    Ok(Outcome::Success)
}

fn print_batch(l: Lang, b: &Batch) {
    println!(
        "{}  {} {}  {} {}/{}  {} {} {}{}{}",
        b.number,
        b.kind.as_str(),
        b.state.as_str(),
        l.pick("dossiers approuvés", "files approved"),
        b.approved_files,
        b.files,
        l.pick("proposé par", "proposed by"),
        b.proposed_by,
        b.proposed_at,
        b.decided_by.as_ref().map(|d| format!(", {} {d}", l.pick("décidé par", "decided by"))).unwrap_or_default(),
        b.certificate_number
            .as_ref()
            .map(|c| format!(", {} {c}", l.pick("certificat", "certificate")))
            .unwrap_or_default(),
    );
}

fn batch_or_json(ctx: &Context, batch: &Batch) {
    if ctx.json {
        print_json(batch);
    } else {
        print_batch(ctx.lang, batch);
    }
}

pub fn disposition(ctx: &Context, command: DispositionCommand) -> Result<Outcome, CliError> {
    match command {
        DispositionCommand::Propose { kind, references, due, project, class, limit, note } => {
            let kind = batch_kind(&kind)?;
            let (mut vault, session) = ctx.open_session()?;
            let batch = if due {
                let query = DueQuery { until: today(), project, kind: None, class };
                vault.propose_due(&session, kind, &query, limit, &note)?
            } else {
                vault.propose_batch(&session, kind, &references, &note)?
            };
            batch_or_json(ctx, &batch);
        }
        DispositionCommand::Approve { batch, files, reason } => {
            let (mut vault, session) = ctx.open_session()?;
            let batch = if files.is_empty() {
                vault.approve_batch(&session, &batch, &reason)?
            } else {
                vault.decide_files(&session, &batch, &files, FileDecision::Approved, &reason)?
            };
            batch_or_json(ctx, &batch);
        }
        DispositionCommand::Reject { batch, files, reason } => {
            let (mut vault, session) = ctx.open_session()?;
            let batch = if files.is_empty() {
                vault.reject_batch(&session, &batch, &reason)?
            } else {
                vault.decide_files(&session, &batch, &files, FileDecision::Rejected, &reason)?
            };
            batch_or_json(ctx, &batch);
        }
        DispositionCommand::Execute { batch, method } => {
            let (mut vault, session) = ctx.open_session()?;
            // Shown on a terminal only; no Ctrl-C handling: a batch runs whole or not at all.
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let l = ctx.lang;
            let report = vault.execute_batch_with_progress(&session, &batch, &method, &mut |p| {
                bar.set_message(match p.phase {
                    ExecutionPhase::Checking => l.pick("Vérification", "Checking"),
                    ExecutionPhase::Files => l.pick("Dossiers", "Files"),
                    ExecutionPhase::Index => l.pick("Index", "Index"),
                    ExecutionPhase::Checkpoint => l.pick("Journal", "Log"),
                });
                bar.set_length(p.total);
                bar.set_position(p.done);
            });
            bar.finish_and_clear();
            let report = report?;
            if ctx.json {
                print_json(&report);
            } else {
                print_batch(ctx.lang, &report.batch);
                println!(
                    "{}",
                    ctx.lang.pick(
                        format!("{} dossier(s), {} personne(s) n'ayant plus de dossier.", report.files, report.persons),
                        format!("{} file(s), {} person(s) no file needs any more.", report.files, report.persons)
                    )
                );
                if !report.left_out.is_empty() {
                    println!(
                        "{} {}",
                        ctx.lang.pick(
                            "Laissés de côté (plus échus ou disposition changée depuis l'approbation) :",
                            "Left out (no longer due, or disposition changed since the approval):"
                        ),
                        report.left_out.join(", ")
                    );
                }
            }
        }
        DispositionCommand::Review { reference, destroy, keep, extend, rule, justification } => {
            let decision = match (destroy, keep, extend, rule) {
                (true, false, None, None) => ReviewDecision::Destroy,
                (false, true, None, None) => ReviewDecision::KeepPermanently,
                (false, false, Some(until), None) => ReviewDecision::Extend { until: date(&until)? },
                (false, false, None, Some(rule)) => ReviewDecision::ReassignRule { rule },
                _ => {
                    return Err(usage(
                        "Give one decision: --destroy, --keep, --extend DATE or --rule NUMBER.".into(),
                        "Donnez une décision : --destroy, --keep, --extend DATE ou --rule NUMÉRO.".into(),
                    ))
                }
            };
            let (mut vault, session) = ctx.open_session()?;
            let record = vault.decide_review(&session, &reference, decision, &justification)?;
            if ctx.json {
                print_json(&record);
            } else {
                println!(
                    "{} — {} {} ({})",
                    record.reference,
                    ctx.lang.pick("disposition finale", "final disposition"),
                    record.due.semi_active_until.map_or_else(|| "—".to_owned(), |d| d.to_string()),
                    record.due.disposition.label(ctx.lang)
                );
            }
        }
        DispositionCommand::Slips { batch, file } => {
            let extension = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
            if !matches!(extension.as_str(), "csv" | "json" | "pdf") {
                return Err(usage(
                    format!("{}: give a .pdf, .csv or .json file.", file.display()),
                    format!("{} : donnez un fichier .pdf, .csv ou .json.", file.display()),
                ));
            }
            let (vault, session) = ctx.open_session()?;
            let slips = vault.transfer_slips(&session, &batch, ctx.lang)?;
            let bytes = match extension.as_str() {
                "csv" => {
                    let mut out = Vec::new();
                    vault.write_transfer_slips_csv(&slips, &mut out)?;
                    out
                }
                "json" => serde_json::to_vec_pretty(&slips).map_err(|e| write_error(&file, e))?,
                _ => crate::report::render_transfer_slips(ctx.lang, &slips)?,
            };
            greffier_core::write_whole(&file, |out| {
                out.write_all(&bytes)
                    .map_err(|e| greffier_core::IoError { action: "write", path: file.clone(), source: e }.into())
            })?;
            if ctx.json {
                print_json(&serde_json::json!({ "slips": slips.len(), "path": file }));
            } else {
                println!(
                    "{}",
                    ctx.lang.pick(
                        format!("{} bordereau(x) écrit(s) dans {}.", slips.len(), file.display()),
                        format!("{} slip(s) written to {}.", slips.len(), file.display())
                    )
                );
            }
        }
        DispositionCommand::List => {
            let (vault, session) = ctx.open_session()?;
            let batches = vault.batches(&session)?;
            if ctx.json {
                print_json(&batches);
            } else if batches.is_empty() {
                println!("{}", ctx.lang.pick("Aucun lot.", "No batches."));
            } else {
                batches.iter().for_each(|b| print_batch(ctx.lang, b));
            }
        }
        DispositionCommand::Show { batch } => {
            let (vault, session) = ctx.open_session()?;
            let header = vault.batch(&session, &batch)?;
            let files = vault.batch_files(&session, &batch)?;
            if ctx.json {
                print_json(&serde_json::json!({ "batch": header, "files": files }));
            } else {
                print_batch(ctx.lang, &header);
                for f in &files {
                    let flags: Vec<String> = f.flags.iter().map(|flag| format!("{flag:?}")).collect();
                    println!(
                        "  {:<16} {:<10} {:<10} {:?} {} {}",
                        f.reference,
                        f.class.as_deref().unwrap_or("—"),
                        f.due_on.as_deref().unwrap_or("—"),
                        f.decision,
                        f.title.as_deref().unwrap_or(""),
                        flags.join(" ")
                    );
                }
            }
        }
    }
    Ok(Outcome::Success)
}

pub fn certificate(ctx: &Context, command: CertificateCommand) -> Result<Outcome, CliError> {
    let CertificateCommand::Export { batch, file } = command;
    let extension = file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if !matches!(extension.as_str(), "csv" | "json" | "pdf") {
        return Err(usage(
            format!("{}: give a .pdf, .csv or .json file.", file.display()),
            format!("{} : donnez un fichier .pdf, .csv ou .json.", file.display()),
        ));
    }
    let (vault, session) = ctx.open_session()?;
    let certificate = vault.certificate(&session, &batch, ctx.lang)?;
    if extension == "pdf" {
        crate::report::write_certificate(&vault, &session, &certificate, &file)?;
    } else {
        // Streamed, the files one at a time, into a file that takes the path's place once whole.
        greffier_core::write_whole(&file, |out| match extension.as_str() {
            "csv" => vault.write_certificate_csv(&session, &certificate, out),
            _ => vault.write_certificate_json(&session, &certificate, out),
        })?;
    }
    if ctx.json {
        print_json(&serde_json::json!({ "certificate": certificate.certificate_number, "path": file }));
    } else {
        println!(
            "{}",
            ctx.lang.pick(
                format!("Certificat {} écrit dans {}.", certificate.certificate_number, file.display()),
                format!("Certificate {} written to {}.", certificate.certificate_number, file.display())
            )
        );
    }
    Ok(Outcome::Success)
}

/// Checks a certificate against the vault: its CSV, or its PDF, whose CSV is attached.
pub fn verify_certificate(ctx: &Context, file: &Path) -> Result<Outcome, CliError> {
    let read_error = |reason: String| CliError::Read { path: file.display().to_string(), reason };
    let bytes = std::fs::read(file).map_err(|e| read_error(e.to_string()))?;
    let text = if bytes.starts_with(b"%PDF") {
        let attached = greffier_report::attachment(&bytes, "certificate.csv", &file.display().to_string())
            .map_err(|e| read_error(e.to_string()))?
            .ok_or_else(|| {
                usage(
                    format!(
                        "{}: this PDF carries no certificate data (it was not made by Greffier, or before \
                         certificates carried it). Export the certificate again, or give its CSV.",
                        file.display()
                    ),
                    format!(
                        "{} : ce PDF ne porte pas les données d'un certificat (il n'a pas été produit par \
                         Greffier, ou l'a été avant qu'ils les portent). Exportez de nouveau le certificat, \
                         ou donnez son CSV.",
                        file.display()
                    ),
                )
            })?;
        String::from_utf8(attached).map_err(|e| read_error(e.to_string()))?
    } else {
        String::from_utf8(bytes).map_err(|e| read_error(e.to_string()))?
    };
    let (vault, session) = ctx.open_session()?;
    let check = vault.verify_certificate(&session, &text)?;
    if ctx.json {
        print_json(&check);
    } else if check.is_valid() {
        println!(
            "{}",
            ctx.lang.pick(
                format!(
                    "Certificat {} vérifié : le lot {}, ses {} dossier(s) et la chaîne d'audit concordent.",
                    check.certificate_number, check.batch, check.files
                ),
                format!(
                    "Certificate {} verified: batch {}, its {} file(s) and the audit chain agree.",
                    check.certificate_number, check.batch, check.files
                )
            )
        );
    } else {
        println!(
            "{}",
            ctx.lang.pick(
                format!("Le certificat {} NE concorde PAS avec le coffre :", check.certificate_number),
                format!("Certificate {} does NOT match the vault:", check.certificate_number)
            )
        );
        for problem in &check.problems {
            println!("  - {problem}");
        }
    }
    Ok(if check.is_valid() { Outcome::Success } else { Outcome::ProblemFound })
}

pub fn destroyed(ctx: &Context, text: &str, limit: u64) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let files = vault.destroyed_files(&session, text, limit)?;
    if ctx.json {
        print_json(&files);
    } else if files.is_empty() {
        println!("{}", ctx.lang.pick("Aucun dossier détruit.", "No destroyed files."));
    } else {
        let confidential = ctx.lang.pick("[titre confidentiel]", "[confidential title]");
        for f in &files {
            println!(
                "{}  {:<16} {:<10} {} v{}  {}  {}",
                f.destroyed_at,
                f.reference,
                f.class,
                f.rule,
                f.rule_version,
                f.batch,
                f.title.as_deref().unwrap_or(confidential)
            );
        }
    }
    Ok(Outcome::Success)
}

pub fn apply_rules(ctx: &Context, rule: Option<&str>) -> Result<Outcome, CliError> {
    let (mut vault, session) = ctx.open_session()?;
    let bar = indicatif::ProgressBar::new_spinner();
    let report = vault.recompute_due_dates(&session, rule, &mut |done| {
        bar.set_message(format!("{done}"));
        bar.tick();
        true
    });
    bar.finish_and_clear();
    let report = report?;
    if ctx.json {
        print_json(&report);
    } else {
        println!(
            "{}",
            ctx.lang.pick(
                format!(
                    "{} dossier(s) revu(s), {} dont la version de règle ou les échéances ont changé.",
                    report.files, report.changed
                ),
                format!(
                    "{} file(s) looked at, {} whose rule version or due dates changed.",
                    report.files, report.changed
                )
            )
        );
    }
    Ok(Outcome::Success)
}
