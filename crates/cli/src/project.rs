//! `project` and `rule explain`: projects, their calendars and the precedence that decides which
//! periods apply. Each command unpacks, calls the core, prints.

use greffier_core::{
    plan_table::{parse_disposition, parse_period},
    project::{ProjectEdit, ProjectEditReport},
    CopyKind, ExplainQuery, Lang, NewOverride, NewProject, OverrideId, Project, ProjectError, Replacement, Sensitivity,
};

use crate::{
    args::ProjectCommand,
    context::{CliError, Context},
    run::{print_json, Outcome},
};

fn sensitivity(text: &str) -> Result<Sensitivity, CliError> {
    Sensitivity::parse(text)
        .ok_or_else(|| greffier_core::Error::from(ProjectError::SensitivityInvalid { value: text.to_owned() }).into())
}

fn period(field: &'static str, text: Option<String>) -> Result<Option<greffier_core::Period>, CliError> {
    text.map(|t| {
        parse_period(&t)
            .ok_or_else(|| greffier_core::Error::from(ProjectError::OverridePeriodInvalid { field, value: t }).into())
    })
    .transpose()
}

pub fn run(ctx: &Context, command: ProjectCommand) -> Result<Outcome, CliError> {
    match command {
        ProjectCommand::Add { code, name, owner, sensitivity: level } => {
            let new = NewProject { code, name, owner, sensitivity: sensitivity(&level)? };
            let (mut vault, session) = ctx.open_session()?;
            let project = vault.add_project(&session, new)?;
            if ctx.json {
                print_json(&project);
            } else {
                println!("{} {} — {}", ctx.lang.pick("Projet ajouté :", "Project added:"), project.code, project.name);
            }
        }
        ProjectCommand::Edit { code, name, owner, sensitivity: level } => {
            let level = level.as_deref().map(sensitivity).transpose()?;
            let (mut vault, session) = ctx.open_session()?;
            let current = vault.project(&session, &code)?;
            let edit = ProjectEdit {
                name: name.unwrap_or(current.name),
                owner: owner.unwrap_or(current.owner),
                sensitivity: level.unwrap_or(current.sensitivity),
            };
            let report = vault.edit_project(&session, &code, edit)?;
            if ctx.json {
                print_json(&report);
            } else {
                print_edit(ctx.lang, &report);
            }
        }
        ProjectCommand::Close { code } => set_active(ctx, &code, false)?,
        ProjectCommand::Reopen { code } => set_active(ctx, &code, true)?,
        ProjectCommand::List => {
            let (vault, session) = ctx.open_session()?;
            let projects = vault.projects(&session)?;
            if ctx.json {
                print_json(&projects);
            } else if projects.is_empty() {
                println!("{}", ctx.lang.pick("Aucun projet.", "No projects."));
            } else {
                for p in &projects {
                    let in_force = p.overrides.iter().filter(|o| o.withdrawn_at.is_none()).count();
                    println!(
                        "{:<16} {}  [{} · {} · {} {}]{}",
                        p.code,
                        p.name,
                        p.owner,
                        p.sensitivity.label(ctx.lang),
                        in_force,
                        ctx.lang.pick("dérogation(s)", "override(s)"),
                        if p.active { "" } else { ctx.lang.pick(" (fermé)", " (closed)") }
                    );
                }
            }
        }
        ProjectCommand::Calendar { code } => {
            let (vault, session) = ctx.open_session()?;
            let project = vault.project(&session, &code)?;
            if ctx.json {
                print_json(&project);
            } else {
                print_calendar(ctx.lang, &project);
            }
        }
        ProjectCommand::Override { code, class, sensitivity: level, active, semi_active, disposition, reason } => {
            let disposition = disposition
                .map(|d| {
                    parse_disposition(&d).ok_or_else(|| {
                        CliError::from(greffier_core::Error::from(ProjectError::OverrideDispositionInvalid {
                            value: d,
                        }))
                    })
                })
                .transpose()?;
            let new = NewOverride {
                class,
                sensitivity: level.as_deref().map(sensitivity).transpose()?,
                replacement: Replacement {
                    active: period("active", active)?,
                    semi_active: period("semi_active", semi_active)?,
                    disposition,
                },
                reason,
            };
            let (mut vault, session) = ctx.open_session()?;
            let added = vault.add_override(&session, &code, new)?;
            if ctx.json {
                print_json(&added);
            } else {
                println!("{} #{}", ctx.lang.pick("Dérogation ajoutée :", "Override added:"), added.id.0);
            }
        }
        ProjectCommand::Withdraw { code, id } => {
            let (mut vault, session) = ctx.open_session()?;
            vault.withdraw_override(&session, &code, OverrideId(id))?;
            if ctx.json {
                print_json(&serde_json::json!({ "ok": true }));
            } else {
                println!("{} #{id}", ctx.lang.pick("Dérogation retirée :", "Override withdrawn:"));
            }
        }
    }
    Ok(Outcome::Success)
}

fn set_active(ctx: &Context, code: &str, active: bool) -> Result<(), CliError> {
    let (mut vault, session) = ctx.open_session()?;
    let project = vault.set_project_active(&session, code, active)?;
    if ctx.json {
        print_json(&project);
    } else if active {
        println!("{} {} — {}", ctx.lang.pick("Projet rouvert :", "Project reopened:"), project.code, project.name);
    } else {
        println!("{} {} — {}", ctx.lang.pick("Projet fermé :", "Project closed:"), project.code, project.name);
    }
    Ok(())
}

fn print_edit(l: Lang, report: &ProjectEditReport) {
    let p = &report.project;
    println!("{} {} — {}", l.pick("Projet modifié :", "Project changed:"), p.code, p.name);
    println!("  {:<14} {}", l.pick("Responsable", "Owner"), p.owner);
    println!("  {:<14} {}", l.pick("Sensibilité", "Sensitivity"), p.sensitivity.label(l));
    if report.files_sensitivity_changed > 0 || report.files_held > 0 || report.files_recomputed > 0 {
        println!(
            "  {}",
            l.pick(
                format!(
                    "{} dossier(s) ont pris le niveau {} ; {} dossier(s) sous suspension légale ont gardé le leur ; {} dossier(s) ont de nouvelles dates.",
                    report.files_sensitivity_changed,
                    p.sensitivity.label(l),
                    report.files_held,
                    report.files_recomputed
                ),
                format!(
                    "{} file(s) took the level {}; {} file(s) under a legal hold kept theirs; {} file(s) have new due dates.",
                    report.files_sensitivity_changed,
                    p.sensitivity.label(l),
                    report.files_held,
                    report.files_recomputed
                ),
            )
        );
    }
}

fn print_calendar(l: Lang, p: &Project) {
    println!("{} {} — {}", l.pick("Projet", "Project"), p.code, p.name);
    println!("  {:<14} {}", l.pick("Responsable", "Owner"), p.owner);
    println!("  {:<14} {}", l.pick("Sensibilité", "Sensitivity"), p.sensitivity.label(l));
    if !p.active {
        println!(
            "  {:<14} {}",
            l.pick("État", "State"),
            l.pick("fermé : il ne prend plus de nouveau dossier", "closed: it takes no new file")
        );
    }
    if p.overrides.is_empty() {
        println!(
            "  {}",
            l.pick("Aucune dérogation : les règles des classes s'appliquent.", "No overrides: the class rules apply.")
        );
    }
    for o in &p.overrides {
        let scope = [
            o.class.as_ref().map(|c| format!("{} {c}", l.pick("classe", "class"))),
            o.sensitivity.map(|s| format!("{} {}", l.pick("niveau", "level"), s.label(l))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let r = &o.replacement;
        let values = [
            r.active.map(|v| format!("{} {}", l.pick("actif", "active"), v.label(l))),
            r.semi_active.map(|v| format!("{} {}", l.pick("semi-actif", "semi-active"), v.label(l))),
            r.disposition.map(|d| d.label(l).to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        let state = match &o.withdrawn_at {
            Some(at) => l.pick(format!(" [retirée le {at}]"), format!(" [withdrawn {at}]")),
            None => String::new(),
        };
        println!("  #{} {scope}: {values}{state}", o.id.0);
        println!("     {} {} ({}, {})", l.pick("motif :", "reason:"), o.reason, o.author, o.created_at);
    }
}

pub fn explain(
    ctx: &Context,
    class: String,
    project: Option<String>,
    level: Option<String>,
    rule: Option<String>,
    secondary: bool,
) -> Result<Outcome, CliError> {
    let query = ExplainQuery {
        class,
        project,
        sensitivity: level.as_deref().map(sensitivity).transpose()?,
        rule,
        copy: Some(if secondary { CopyKind::Secondary } else { CopyKind::Principal }),
        file_exception: None,
    };
    let (vault, session) = ctx.open_session()?;
    let explanation = vault.explain(&session, &query)?;
    if ctx.json {
        print_json(&explanation);
    } else {
        print!("{}", explanation.render(ctx.lang));
    }
    Ok(Outcome::Success)
}
