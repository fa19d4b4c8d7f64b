//! One function per command: unpack, call the core, print.

use std::{io::Write, path::Path};

use greffier_core::{backup, self_check, Credentials, Lang, NewUser, Progress, Role, Vault, VaultSetup};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::{
    args::{AuditCommand, Cli, Command, PlanCommand, RuleCommand, UserCommand, VaultCommand},
    context::{CliError, Context},
};

pub enum Outcome {
    Success,
    /// A check or verification ran and found a problem (exit code 3).
    ProblemFound,
}

pub fn run(cli: Cli, lang: Lang) -> Result<Outcome, CliError> {
    let ctx = Context::new(cli.vault, cli.user, cli.password_stdin, cli.json, lang);
    match cli.command {
        Command::Init(args) => init(&ctx, &args.organisation, &args.display_name, args.sample_plan),
        Command::Vault(command) => match command {
            VaultCommand::Info => info(&ctx),
            VaultCommand::Check => check(&ctx),
            VaultCommand::Backup { file } => backup_to(&ctx, &file),
            VaultCommand::Restore { file } => restore_from(&ctx, &file),
            VaultCommand::Rekey => rekey(&ctx),
            VaultCommand::ChangePassphrase => change_passphrase(&ctx),
        },
        Command::User(command) => user(&ctx, command),
        Command::Audit(command) => match command {
            AuditCommand::Verify { certificate: None } => verify(&ctx),
            AuditCommand::Verify { certificate: Some(file) } => crate::disposition::verify_certificate(&ctx, &file),
            AuditCommand::Export { csv } => export(&ctx, &csv),
        },
        Command::Plan(command) => match command {
            PlanCommand::Import { file } => crate::plan::import(&ctx, &file),
            PlanCommand::List => crate::plan::list(&ctx),
            PlanCommand::Export { format, file } => crate::plan::export(&ctx, format, &file),
            PlanCommand::Move { code, to, parent, top: _ } => {
                crate::plan::move_class(&ctx, &code, parent.as_deref(), &to)
            }
        },
        Command::Rule(command) => match command {
            RuleCommand::Show { number } => crate::plan::show(&ctx, &number),
            RuleCommand::Explain { class, project, sensitivity, rule, secondary } => {
                crate::project::explain(&ctx, class, project, sensitivity, rule, secondary)
            }
            RuleCommand::Apply { number } => crate::disposition::apply_rules(&ctx, number.as_deref()),
        },
        Command::Project(command) => crate::project::run(&ctx, command),
        Command::Files(command) => crate::register::files(&ctx, command),
        Command::Person(command) => crate::register::person(&ctx, command),
        Command::Search(args) => crate::register::search(&ctx, args),
        Command::Due(args) => crate::disposition::due(&ctx, args),
        Command::Hold(command) => crate::disposition::hold(&ctx, command),
        Command::Disposition(command) => crate::disposition::disposition(&ctx, command),
        Command::Certificate(command) => crate::disposition::certificate(&ctx, command),
        Command::Destroyed { text, limit } => crate::disposition::destroyed(&ctx, &text, limit),
    }
}

pub(crate) fn print_json(value: &impl Serialize) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

fn done(ctx: &Context, fr: &str, en: &str) -> Result<Outcome, CliError> {
    if ctx.json {
        print_json(&serde_json::json!({ "ok": true }));
    } else {
        println!("{}", ctx.lang.pick(fr, en));
    }
    Ok(Outcome::Success)
}

/// A bar on stderr (hidden when it is not a terminal): what is done, its bar and its percentage.
pub(crate) fn bar(lang: Lang, what_fr: &'static str, what_en: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3} %")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(lang.pick(what_fr, what_en));
    bar
}

fn progress_bar(
    lang: Lang,
    what_fr: &'static str,
    what_en: &'static str,
) -> (ProgressBar, impl FnMut(Progress) -> bool) {
    let bar = bar(lang, what_fr, what_en);
    let handle = bar.clone();
    (bar, move |p: Progress| {
        handle.set_length(p.total);
        handle.set_position(p.done);
        true
    })
}

fn init(ctx: &Context, organisation: &str, display_name: &str, sample_plan: bool) -> Result<Outcome, CliError> {
    let setup = VaultSetup {
        organisation: organisation.to_owned(),
        admin: NewUser {
            username: ctx.username()?.to_owned(),
            display_name: display_name.to_owned(),
            role: Role::Administrator,
            password: ctx.password()?,
        },
        recovery_passphrase: Context::require_secret("GREFFIER_RECOVERY")?,
    };
    let (mut vault, report) = Vault::create(&ctx.vault_dir, setup, &ctx.env)?;
    let keyring_saved = report.keystore.is_ok();
    // The sample plan goes in through the ordinary import, signed in as the new administrator:
    // permission-checked and audited like any other.
    let sample = if sample_plan {
        let session = vault.sign_in(ctx.username()?, &ctx.password()?)?;
        Some(vault.import_sample_plan(&session)?)
    } else {
        None
    };
    if ctx.json {
        let mut created =
            serde_json::json!({ "vaultId": vault.vault_id(), "dir": ctx.vault_dir, "keyringSaved": keyring_saved });
        if let Some(sample) = &sample {
            created["samplePlan"] = serde_json::json!(sample);
        }
        print_json(&created);
    } else {
        println!("{} {}", ctx.lang.pick("Coffre créé :", "Vault created:"), ctx.vault_dir.display());
        if keyring_saved {
            println!(
                "{}",
                ctx.lang
                    .pick("La clé du coffre est dans le trousseau du système.", "The vault key is in the OS keyring.")
            );
        } else {
            println!(
                "{}",
                ctx.lang.pick(
                    "La clé du coffre n'est que dans le fichier de récupération : gardez la phrase de récupération en lieu sûr.",
                    "The vault key is only in the recovery file: keep the recovery passphrase somewhere safe."
                )
            );
        }
        if let Some(sample) = sample {
            let (classes, rules, copies) = (sample.classes_created, sample.schedule.created, sample.schedule.copies);
            println!(
                "{}",
                ctx.lang.pick(
                    format!("Plan d'exemple importé : {classes} classes, {rules} règles de conservation ({copies} exemplaires)."),
                    format!("Sample plan imported: {classes} classes, {rules} retention rules ({copies} copies)."),
                )
            );
        }
    }
    vault.lock();
    Ok(Outcome::Success)
}

fn info(ctx: &Context) -> Result<Outcome, CliError> {
    let vault = ctx.open()?;
    let info = vault.info()?;
    let pragmas = vault.pragmas()?;
    let selfcheck = self_check(ctx.env.keystore.as_ref());
    if ctx.json {
        print_json(&serde_json::json!({ "vault": info, "pragmas": pragmas, "selfCheck": selfcheck }));
        return Ok(Outcome::Success);
    }
    let l = ctx.lang;
    let rows = [
        (l.pick("Organisation", "Organisation"), info.organisation.clone()),
        (l.pick("Identifiant du coffre", "Vault id"), info.vault_id.clone()),
        (l.pick("Dossier", "Folder"), info.dir.display().to_string()),
        (l.pick("Créé le", "Created"), info.created_at.clone()),
        (l.pick("Version du schéma", "Schema version"), info.schema_version.to_string()),
        ("SQLCipher", info.sqlcipher_version.clone()),
        (l.pick("Taille", "Size"), format!("{} {}", info.db_bytes, l.pick("octets", "bytes"))),
        (l.pick("Utilisateurs", "Users"), info.users.to_string()),
        (l.pick("Clé obtenue par", "Key from"), format!("{:?}", info.key_source)),
        (l.pick("Trousseau", "Keyring"), info.keystore.description.clone()),
        (l.pick("Tête de la chaîne d'audit", "Audit chain head"), info.chain_head.to_string()),
        ("secure_delete", pragmas.secure_delete.clone()),
        ("journal_mode", pragmas.journal_mode.clone()),
        (
            l.pick("Autovérification", "Self-check"),
            match (selfcheck.encryption_ok(), selfcheck.os_keyring_ok()) {
                (true, true) => l.pick("chiffrement et trousseau du système : ok", "encryption and OS keyring: ok").to_owned(),
                (true, false) => l.pick("chiffrement ok ; AUCUN trousseau du système : le coffre s'ouvre avec la phrase de récupération", "encryption ok; NO OS keyring: the vault opens with the recovery passphrase").to_owned(),
                (false, _) => l.pick("ÉCHEC du chiffrement : n'utilisez pas cette version", "encryption FAILED: do not use this build").to_owned(),
            },
        ),
    ];
    for (label, value) in rows {
        println!("{label:<28} {value}");
    }
    Ok(Outcome::Success)
}

fn check(ctx: &Context) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let report = vault.check(&session)?;
    let index = vault.check_index(&session)?;
    if ctx.json {
        let mut value = serde_json::to_value(&report).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("index".into(), serde_json::to_value(&index).unwrap_or_default());
        }
        print_json(&value);
    } else {
        let l = ctx.lang;
        println!("integrity_check        {}", report.integrity.join("; "));
        println!(
            "cipher_integrity_check {}",
            if report.cipher_integrity.is_empty() { "ok".to_owned() } else { report.cipher_integrity.join("; ") }
        );
        print_verify(l, &report.audit);
        if index.is_consistent() {
            println!(
                "{}",
                l.pick(
                    format!(
                        "Index de recherche à jour : {} dossier(s), changement n° {}",
                        index.indexed_files, index.index_seq
                    ),
                    format!("Search index up to date: {} file(s), change #{}", index.indexed_files, index.index_seq)
                )
            );
        } else {
            println!(
                "{}",
                l.pick(
                    format!(
                        "Index de recherche en retard ou incohérent : changement {} sur {}, {} dossier(s) manquant(s), {} en trop. Il sera rattrapé à la prochaine recherche ; `greffier search reindex` le reconstruit.",
                        index.index_seq, index.register_seq, index.missing, index.extra
                    ),
                    format!(
                        "Search index behind or inconsistent: change {} of {}, {} file(s) missing, {} extra. It catches up at the next search; `greffier search reindex` rebuilds it.",
                        index.index_seq, index.register_seq, index.missing, index.extra
                    )
                )
            );
        }
    }
    Ok(if report.is_sound() && index.is_consistent() { Outcome::Success } else { Outcome::ProblemFound })
}

fn print_verify(l: Lang, report: &greffier_core::VerifyReport) {
    match &report.problem {
        None => println!(
            "{} {} ({} {}, {} {})",
            l.pick("Chaîne d'audit intacte :", "Audit chain intact:"),
            report.head.as_ref().map(|h| h.to_string()).unwrap_or_default(),
            report.events,
            l.pick("événements", "events"),
            report.erased_details,
            l.pick("détails effacés", "details erased"),
        ),
        Some(problem) => println!(
            "{} #{} : {}",
            l.pick("Chaîne d'audit ROMPUE à l'événement", "Audit chain BROKEN at event"),
            problem.seq,
            problem.fault.describe(l)
        ),
    }
}

fn backup_to(ctx: &Context, file: &Path) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let (bar, mut progress) = progress_bar(ctx.lang, "Sauvegarde", "Backup");
    let report = vault.backup(&session, file, &mut progress);
    bar.finish_and_clear();
    let report = report?;
    if ctx.json {
        print_json(&report);
    } else {
        println!(
            "{} {} ({} {})",
            ctx.lang.pick("Sauvegarde écrite :", "Backup written:"),
            report.path.display(),
            report.bytes,
            ctx.lang.pick("octets", "bytes")
        );
        println!("SHA-256 {}", report.sha256);
        println!("{} {}", ctx.lang.pick("Tête de la chaîne d'audit", "Audit chain head"), report.chain_head);
    }
    Ok(Outcome::Success)
}

fn restore_from(ctx: &Context, file: &Path) -> Result<Outcome, CliError> {
    let password = ctx.password()?;
    let credentials = Credentials { username: ctx.username()?, password: &password };
    let mut options = ctx.unlock_options();
    if options.is_empty() {
        return Err(CliError::MissingSecret { var: "GREFFIER_RECOVERY" });
    }
    // The passphrase, when given, is the surer way: the keyring may hold another key.
    let unlock = if options.len() > 1 { options.remove(1) } else { options.remove(0) };
    let (bar, mut progress) = progress_bar(ctx.lang, "Restauration", "Restore");
    let result = backup::restore(file, &ctx.vault_dir, unlock, None, credentials, &ctx.env, &mut progress);
    bar.finish_and_clear();
    let (vault, report) = result?;
    if ctx.json {
        print_json(&report);
    } else {
        let l = ctx.lang;
        println!(
            "{} {} ({})",
            l.pick("Coffre restauré depuis la sauvegarde du", "Vault restored from the backup of"),
            report.backup_created_at,
            report.backup_chain_head
        );
        if let Some(previous) = &report.previous_saved_as {
            println!(
                "{} {}",
                l.pick("Le coffre remplacé est conservé sous", "The replaced vault is kept as"),
                previous.display()
            );
        }
        if report.recovery_file_from_backup {
            println!(
                "{}",
                l.pick(
                    "La phrase de récupération est celle en vigueur à la date de la sauvegarde.",
                    "The recovery passphrase is the one in force when the backup was made."
                )
            );
        }
    }
    vault.lock();
    Ok(Outcome::Success)
}

fn rekey(ctx: &Context) -> Result<Outcome, CliError> {
    let passphrase = Context::require_secret("GREFFIER_RECOVERY")?;
    let (mut vault, session) = ctx.open_session()?;
    vault.rekey(&session, &passphrase)?;
    done(
        ctx,
        "Clé du coffre remplacée ; le trousseau et le fichier de récupération sont à jour.",
        "Vault key rotated; the keyring and the recovery file are up to date.",
    )
}

fn change_passphrase(ctx: &Context) -> Result<Outcome, CliError> {
    let current = Context::require_secret("GREFFIER_RECOVERY")?;
    let new = Context::require_secret("GREFFIER_NEW_RECOVERY")?;
    let (vault, session) = ctx.open_session()?;
    vault.change_recovery_passphrase(&session, &current, &new)?;
    done(
        ctx,
        "Phrase de récupération changée. Les sauvegardes antérieures gardent l'ancienne.",
        "Recovery passphrase changed. Earlier backups keep the old one.",
    )
}

fn user(ctx: &Context, command: UserCommand) -> Result<Outcome, CliError> {
    let (mut vault, session) = ctx.open_session()?;
    match command {
        UserCommand::Add { username, role, display_name } => {
            let role = Role::parse(&role).unwrap_or(Role::Clerk);
            let password = Context::require_secret("GREFFIER_NEW_PASSWORD")?;
            let user = vault.add_user(&session, NewUser { username, display_name, role, password })?;
            if ctx.json {
                print_json(&user);
                Ok(Outcome::Success)
            } else {
                done(
                    ctx,
                    &format!("Utilisateur {} ajouté ({}).", user.username, role.label(Lang::Fr)),
                    &format!("User {} added ({}).", user.username, role.label(Lang::En)),
                )
            }
        }
        UserCommand::List => {
            let users = vault.list_users(&session)?;
            if ctx.json {
                print_json(&users);
            } else {
                for user in users {
                    let state = if user.active { "" } else { ctx.lang.pick(" (désactivé)", " (deactivated)") };
                    println!("{:<20} {:<24} {}{}", user.username, user.display_name, user.role.label(ctx.lang), state);
                }
            }
            Ok(Outcome::Success)
        }
        UserCommand::ResetPassword { username } => {
            vault.reset_password(&session, &username, &Context::require_secret("GREFFIER_NEW_PASSWORD")?)?;
            done(
                ctx,
                &format!("Mot de passe de {username} réinitialisé ; nouvelle clé de signature."),
                &format!("Password of {username} reset; new signing key."),
            )
        }
        UserCommand::Passwd => {
            vault.change_password(&session, &ctx.password()?, &Context::require_secret("GREFFIER_NEW_PASSWORD")?)?;
            done(ctx, "Mot de passe changé.", "Password changed.")
        }
        UserCommand::Deactivate { username } => {
            vault.set_user_active(&session, &username, false)?;
            done(ctx, &format!("Compte {username} désactivé."), &format!("Account {username} deactivated."))
        }
        UserCommand::Reactivate { username } => {
            vault.set_user_active(&session, &username, true)?;
            done(ctx, &format!("Compte {username} réactivé."), &format!("Account {username} reactivated."))
        }
    }
}

fn verify(ctx: &Context) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    let report = vault.verify_audit(&session)?;
    if ctx.json {
        print_json(&report);
    } else {
        print_verify(ctx.lang, &report);
    }
    Ok(if report.is_intact() { Outcome::Success } else { Outcome::ProblemFound })
}

fn export(ctx: &Context, path: &Path) -> Result<Outcome, CliError> {
    let (vault, session) = ctx.open_session()?;
    // Refuse before the file is created, so a refusal never leaves an empty or clobbered file.
    vault.require(&session, greffier_core::Permission::ExportAudit)?;
    let count = if path.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        vault.export_audit_csv(&session, &mut lock)?;
        lock.flush().map_err(|e| CliError::Write { path: "-".into(), reason: e.to_string() })?;
        return Ok(Outcome::Success);
    } else {
        greffier_core::write_whole(path, |out| vault.export_audit_csv(&session, out))?
    };
    if ctx.json {
        print_json(&serde_json::json!({ "events": count, "file": path }));
    } else {
        println!("{} {} → {}", count, ctx.lang.pick("événements exportés", "events exported"), path.display());
    }
    Ok(Outcome::Success)
}
