//! `files`, `person` and `search`: the register, its persons and its full-text search. Each
//! command unpacks, calls the core, prints.

use std::{io::Write, path::Path};

use greffier_core::{
    persons::{NewPerson, PersonEdit, PersonLink, PersonRef},
    plan_table::parse_date,
    Consent, FileDraft, FileFilter, FileRecord, FileStatus, Identifier, IdentifierKind, ImportPhase, Lang, Person,
    ProjectError, Purpose, RegisterFormat, Sensitivity, Waiting,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    args::{FilesCommand, FilterArgs, PersonCommand, SearchArgs, SearchCommand},
    context::{CliError, Context},
    run::{print_json, Outcome},
};

fn bad_value(en: String, fr: String) -> CliError {
    CliError::Usage { en, fr }
}

fn date(text: &str) -> Result<chrono::NaiveDate, CliError> {
    parse_date(text).ok_or_else(|| {
        bad_value(
            format!("“{text}” is not a date: write YYYY-MM-DD or DD/MM/YYYY."),
            format!("« {text} » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA."),
        )
    })
}

fn sensitivity(text: &str) -> Result<Sensitivity, CliError> {
    Sensitivity::parse(text)
        .ok_or_else(|| greffier_core::Error::from(ProjectError::SensitivityInvalid { value: text.to_owned() }).into())
}

fn filter(args: FilterArgs) -> Result<FileFilter, CliError> {
    let status = match args.status.as_deref() {
        Some(text) => Some(FileStatus::parse(text).ok_or_else(|| {
            bad_value(
                format!("“{text}” is not a status: active, semi_active, inactive, on_hold, destroyed, transferred."),
                format!("« {text} » n'est pas un statut : actif, semi-actif, inactif, en suspens, détruit, versé."),
            )
        })?),
        None => None,
    };
    Ok(FileFilter {
        query: args.filter,
        class: args.class,
        project: args.project,
        status,
        sensitivity: args.sensitivity.as_deref().map(sensitivity).transpose()?,
        due: args.due,
        sort: sort(args.sort.as_deref(), args.desc)?,
    })
}

/// The order `--sort COLUMN [--desc]` asks for.
fn sort(column: Option<&str>, descending: bool) -> Result<Option<greffier_core::FileSort>, CliError> {
    let Some(text) = column else { return Ok(None) };
    let by = greffier_core::SortBy::parse(text).ok_or_else(|| {
        bad_value(
            format!("“{text}” is no column to sort by: write reference, class, title, status, sensitivity or final"),
            format!("« {text} » n'est pas une colonne de tri : écrivez référence, classe, titre, statut, sensibilité ou échéance"),
        )
    })?;
    Ok(Some(greffier_core::FileSort { by, descending }))
}

pub fn files(ctx: &Context, command: FilesCommand) -> Result<Outcome, CliError> {
    match command {
        FilesCommand::Import { file, persons } => import(ctx, file.as_deref(), persons.as_deref()),
        FilesCommand::Export { filter: args, file } => {
            let format = RegisterFormat::from_path(&file).ok_or_else(|| {
                bad_value(
                    format!("{}: give a .csv or .xlsx file.", file.display()),
                    format!("{} : donnez un fichier .csv ou .xlsx.", file.display()),
                )
            })?;
            let filter = filter(args)?;
            let (vault, session) = ctx.open_session()?;
            // A bar on a terminal (indicatif draws nothing elsewhere): a million files take 12 to 27 s.
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len}").unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let count = vault.export_files(&session, &filter, format, &file, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
                true
            });
            bar.finish_and_clear();
            let count = count?;
            if ctx.json {
                print_json(&serde_json::json!({ "files": count, "path": file }));
            } else {
                println!(
                    "{}",
                    ctx.lang.pick(
                        format!("{count} dossier(s) exporté(s) dans {}.", file.display()),
                        format!("{count} file(s) exported to {}.", file.display())
                    )
                );
            }
            Ok(Outcome::Success)
        }
        FilesCommand::Show { reference } => {
            let (vault, session) = ctx.open_session()?;
            let record = vault.file(&session, &reference)?;
            if ctx.json {
                print_json(&record);
            } else {
                print_file(ctx.lang, &record);
            }
            Ok(Outcome::Success)
        }
        FilesCommand::Add { reference, class, title, description, project, rule, opened, sensitivity: level } => {
            let mut draft = FileDraft { reference, class, title, description, project, rule, ..Default::default() };
            draft.dates.opened_on = opened.as_deref().map(date).transpose()?;
            draft.sensitivity = level.as_deref().map(sensitivity).transpose()?;
            let (mut vault, session) = ctx.open_session()?;
            let record = vault.create_file(&session, draft)?;
            show_or_json(ctx, &record);
            Ok(Outcome::Success)
        }
        FilesCommand::Close { reference, on } => {
            let on = match on.as_deref() {
                Some(text) => date(text)?,
                None => chrono::Local::now().date_naive(),
            };
            let (mut vault, session) = ctx.open_session()?;
            let record = vault.close_file(&session, &reference, on)?;
            show_or_json(ctx, &record);
            Ok(Outcome::Success)
        }
        FilesCommand::Reopen { reference } => {
            let (mut vault, session) = ctx.open_session()?;
            let record = vault.reopen_file(&session, &reference)?;
            show_or_json(ctx, &record);
            Ok(Outcome::Success)
        }
    }
}

fn show_or_json(ctx: &Context, record: &FileRecord) {
    if ctx.json {
        print_json(record);
    } else {
        print_file(ctx.lang, record);
    }
}

fn or_dash(date: Option<chrono::NaiveDate>) -> String {
    date.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

fn print_file(l: Lang, f: &FileRecord) {
    let class_title = l.pick(&f.class_title_fr, &f.class_title_en);
    println!("{} — {}", f.reference, f.title);
    println!("  {:<22} {} {}", l.pick("Classe", "Class"), f.class, class_title);
    println!("  {:<22} {} (v{})", l.pick("Règle", "Rule"), f.rule, f.rule_version);
    if let Some(project) = &f.project {
        println!("  {:<22} {}", l.pick("Projet", "Project"), project);
    }
    println!("  {:<22} {}", l.pick("Sensibilité", "Sensitivity"), f.sensitivity.label(l));
    println!("  {:<22} {}", l.pick("Statut", "Status"), f.status.label(l));
    println!("  {:<22} {}", l.pick("Ouvert le", "Opened"), or_dash(f.dates.opened_on));
    println!("  {:<22} {}", l.pick("Fermé le", "Closed"), or_dash(f.dates.closed_on));
    println!("  {:<22} {}", l.pick("Fin période active", "Active until"), or_dash(f.due.active_until));
    println!(
        "  {:<22} {} ({})",
        l.pick("Disposition finale", "Final disposition"),
        or_dash(f.due.semi_active_until),
        f.due.disposition.label(l)
    );
    match &f.due.waiting_for {
        Some(Waiting::Event { event }) => {
            println!(
                "  {}",
                l.pick(format!("En attente : {}", event.label(l)), format!("Waiting for: {}", event.label(l)))
            )
        }
        Some(Waiting::OpenPeriod { period }) => println!(
            "  {}",
            l.pick(
                format!("Période sans fin fixe : {}", period.label(l)),
                format!("Open-ended period: {}", period.label(l))
            )
        ),
        None => {}
    }
    if !f.description.is_empty() {
        println!("  {}", f.description.replace('\n', "\n  "));
    }
    for p in &f.persons {
        println!(
            "  {} {} {} [{}]",
            l.pick("Personne :", "Person:"),
            p.first_name,
            p.last_name,
            p.categories.join(", ")
        );
    }
    println!();
    print!("{}", f.explanation.render(l));
}

fn import(ctx: &Context, files: Option<&Path>, persons: Option<&Path>) -> Result<Outcome, CliError> {
    if files.is_none() && persons.is_none() {
        return Err(bad_value(
            "Give a files sheet, a persons sheet (--persons), or both.".into(),
            "Donnez une feuille de dossiers, une feuille de personnes (--persons), ou les deux.".into(),
        ));
    }
    for path in [files, persons].into_iter().flatten() {
        if !path.is_file() {
            return Err(CliError::Read { path: path.display().to_string(), reason: "no such file".into() });
        }
    }
    let (mut vault, session) = ctx.open_session()?;
    // A bar per phase (its share of the work), with the rows done beside it; a spinner while the
    // total is not known.
    let bar = ProgressBar::new(0);
    let spinner =
        ProgressStyle::with_template("{spinner} {msg} {prefix}").unwrap_or_else(|_| ProgressStyle::default_spinner());
    let gauge = ProgressStyle::with_template("{msg:12} {bar:40} {percent:>3} % {prefix}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    let l = ctx.lang;
    let report = vault.import_register(&session, files, persons, &mut |step| {
        bar.set_style(if step.total > 0 { gauge.clone() } else { spinner.clone() });
        bar.set_message(match step.phase {
            ImportPhase::Checking => l.pick("Vérification", "Checking"),
            ImportPhase::Writing => l.pick("Écriture", "Writing"),
            ImportPhase::Indexing => l.pick("Indexation", "Indexing"),
            ImportPhase::Saving => l.pick("Enregistrement", "Saving"),
        });
        bar.set_prefix(step.rows.to_string());
        bar.set_length(step.total);
        bar.set_position(step.done);
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
            l.pick(
                format!(
                    "{} dossier(s) importé(s) ; {} personne(s) créée(s), {} déjà connue(s) ; {} lien(s), {} finalité(s).",
                    report.files, report.persons_created, report.persons_reused, report.links, report.purposes
                ),
                format!(
                    "{} file(s) imported; {} person(s) created, {} already known; {} link(s), {} purpose(s).",
                    report.files, report.persons_created, report.persons_reused, report.links, report.purposes
                )
            )
        );
    }
    Ok(Outcome::Success)
}

/// `KIND=VALUE`, the kind in English or French.
fn identifier(text: &str) -> Result<Identifier, CliError> {
    let parsed = text.split_once('=').and_then(|(kind, value)| Some((IdentifierKind::parse(kind)?, value)));
    // The value is not repeated in the message: it is personal information.
    let (kind, value) = parsed.ok_or_else(|| {
        let kind = text.split_once('=').map_or("", |(kind, _)| kind);
        bad_value(
            format!("“{kind}=…” is not an identifier: write KIND=VALUE, KIND one of sin, health_insurance, driver_licence, client_number, employee_number, other."),
            format!("« {kind}=… » n'est pas un identifiant : écrivez TYPE=VALEUR, TYPE parmi nas, ramq, permis, numero_client, matricule, autre."),
        )
    })?;
    Ok(Identifier { kind, value: value.to_owned() })
}

fn consent(text: &str) -> Result<Consent, CliError> {
    Consent::parse(text).ok_or_else(|| {
        bad_value(
            format!("“{text}” is not a consent: given, refused, withdrawn, not_required or unknown."),
            format!("« {text} » n'est pas un consentement : oui, non, retiré, non requis ou inconnu."),
        )
    })
}

fn print_person(p: &Person) {
    let ids: Vec<String> = p.identifiers.iter().map(|i| format!("{} {}", i.kind.as_str(), i.masked)).collect();
    println!(
        "#{:<6} {} {}  {}  [{}]",
        p.id,
        p.first_name,
        p.last_name,
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        ids.join(", ")
    );
    for f in &p.files {
        println!("         {} — {}", f.reference, f.title);
    }
}

pub fn person(ctx: &Context, command: PersonCommand) -> Result<Outcome, CliError> {
    match command {
        PersonCommand::Attach {
            reference,
            person,
            last_name,
            first_name,
            birth_date,
            external_key,
            identifiers,
            categories,
            purposes,
            consents,
        } => {
            if consents.len() > purposes.len() {
                return Err(bad_value(
                    "Give one --consent per --purpose, in the same order.".into(),
                    "Donnez un --consent par --purpose, dans le même ordre.".into(),
                ));
            }
            let person = match (person, last_name) {
                (Some(id), _) => PersonRef::Existing(id),
                (None, last_name) => PersonRef::New(NewPerson {
                    last_name: last_name.unwrap_or_default(),
                    first_name: first_name.unwrap_or_default(),
                    birth_date: birth_date.as_deref().map(date).transpose()?,
                    external_key,
                    identifiers: identifiers.iter().map(|i| identifier(i)).collect::<Result<_, _>>()?,
                }),
            };
            let mut list = Vec::with_capacity(purposes.len());
            for (n, purpose) in purposes.into_iter().enumerate() {
                let consent = consents.get(n).map(|c| consent(c)).transpose()?.unwrap_or_default();
                list.push(Purpose { purpose, consent, consent_date: None, consent_source: String::new() });
            }
            let link = PersonLink { person, categories, purposes: list };
            let (mut vault, session) = ctx.open_session()?;
            let before: Vec<i64> = vault.file(&session, &reference)?.persons.iter().map(|p| p.person_id).collect();
            let record = vault.attach_person(&session, &reference, link)?;
            if ctx.json {
                print_json(&record);
            } else {
                print_file(ctx.lang, &record);
                // The person attached, identifiers masked.
                if let Some(added) = record.persons.iter().find(|p| !before.contains(&p.person_id)) {
                    println!();
                    print_person(&vault.person(&session, added.person_id)?);
                }
            }
        }
        PersonCommand::Edit {
            id,
            last_name,
            first_name,
            birth_date,
            no_birth_date,
            external_key,
            no_external_key,
            identifiers,
            no_identifiers,
        } => {
            let birth_date = birth_date.as_deref().map(date).transpose()?;
            let identifiers: Vec<Identifier> = identifiers.iter().map(|i| identifier(i)).collect::<Result<_, _>>()?;
            let (mut vault, session) = ctx.open_session()?;
            let current = vault.person(&session, id)?;
            let edit = PersonEdit {
                last_name: last_name.unwrap_or(current.last_name),
                first_name: first_name.unwrap_or(current.first_name),
                birth_date: if no_birth_date { None } else { birth_date.or(current.birth_date) },
                external_key: if no_external_key { None } else { external_key.or(current.key) },
                identifiers: match (no_identifiers, identifiers.is_empty()) {
                    (true, _) => Some(Vec::new()),
                    (false, false) => Some(identifiers),
                    (false, true) => None,
                },
            };
            let person = vault.edit_person(&session, id, edit)?;
            if ctx.json {
                print_json(&person);
            } else {
                print_person(&person);
            }
        }
        PersonCommand::Detach { reference, id, reason } => {
            let (mut vault, session) = ctx.open_session()?;
            let detached = vault.detach_person(&session, &reference, id, &reason)?;
            if ctx.json {
                print_json(&detached);
            } else {
                print_file(ctx.lang, &detached.file);
                if detached.person_erased {
                    println!(
                        "{}",
                        ctx.lang.pick(
                            "La personne, qu'aucun autre dossier ne concernait, a été effacée du registre avec ses identifiants.",
                            "The person, whom no other file was about, was erased from the register with their identifiers."
                        )
                    );
                }
            }
        }
        PersonCommand::Find { query } => {
            let (vault, session) = ctx.open_session()?;
            let persons = vault.find_persons(&session, &query, 50)?;
            if ctx.json {
                print_json(&persons);
            } else if persons.is_empty() {
                println!("{}", ctx.lang.pick("Personne ne correspond.", "Nobody matches."));
            } else {
                persons.iter().for_each(print_person);
            }
        }
        PersonCommand::Reveal { id } => {
            let (vault, session) = ctx.open_session()?;
            let identifiers = vault.reveal_identifiers(&session, id)?;
            if ctx.json {
                print_json(&identifiers);
            } else {
                for i in &identifiers {
                    println!("{}\t{}", i.kind.as_str(), i.value);
                }
            }
        }
    }
    Ok(Outcome::Success)
}

pub fn search(ctx: &Context, args: SearchArgs) -> Result<Outcome, CliError> {
    match args.command {
        Some(SearchCommand::Reindex) => {
            let (mut vault, session) = ctx.open_session()?;
            let bar = ProgressBar::new_spinner();
            let count = vault.reindex(&session, &mut |n| {
                bar.set_position(n as u64);
                true
            });
            bar.finish_and_clear();
            let count = count?;
            if ctx.json {
                print_json(&serde_json::json!({ "documents": count }));
            } else {
                println!(
                    "{}",
                    ctx.lang.pick(format!("{count} document(s) indexé(s)."), format!("{count} document(s) indexed."))
                );
            }
            Ok(Outcome::Success)
        }
        None => {
            let query = args.query.join(" ");
            let (vault, session) = ctx.open_session()?;
            let filter = FileFilter { query, sort: sort(args.sort.as_deref(), args.desc)?, ..Default::default() };
            let page = vault.search_files(&session, &filter, args.offset, args.limit, true)?;
            if ctx.json {
                print_json(&page);
                return Ok(Outcome::Success);
            }
            let l = ctx.lang;
            let mut out = std::io::stdout().lock();
            let _ =
                writeln!(out, "{}", l.pick(format!("{} résultat(s)", page.total), format!("{} result(s)", page.total)));
            for hit in &page.hits {
                let r = &hit.row;
                let _ = writeln!(out, "{:<16} {:<10} {}  [{}]", r.reference, r.class, r.title, r.status.label(l));
                if let Some(snippet) = &hit.snippet {
                    let mut text = String::new();
                    let mut at = 0;
                    for (start, end) in &snippet.highlights {
                        text.push_str(&snippet.fragment[at..*start]);
                        text.push('[');
                        text.push_str(&snippet.fragment[*start..*end]);
                        text.push(']');
                        at = *end;
                    }
                    text.push_str(&snippet.fragment[at..]);
                    let _ = writeln!(out, "                 … {} …", text.replace('\n', " "));
                }
            }
            Ok(Outcome::Success)
        }
    }
}
