//! The sample plan that ships with Greffier: it imports whole into a fresh vault, is bilingual,
//! gives every class that files go into a complete rule, uses every kind of period, disposition
//! and trigger, survives the export → import round trip, and goes through the ordinary
//! permission check and audit trail.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    CopyKind, Disposition, ErrorCode, Lang, NewUser, Period, PlanFormat, RetentionRule, Role, RuleContent, Secret,
    Session, TriggerEvent, UserMessage, Vault, SAMPLE_PLAN_CSV,
};

fn admin_vault(fixture: &Fixture) -> (Vault, Session) {
    let vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    (vault, admin)
}

/// Rows in the plan's tables and the `plan.import` audit events.
fn rows(fixture: &Fixture, vault: &Vault) -> [i64; 4] {
    let raw = fixture.raw(vault.vault_id());
    ["plan_classes", "retention_rules", "retention_copies", "audit_events WHERE action = 'plan.import'"]
        .map(|table| raw.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).expect("count"))
}

/// Everything a plan says, without row ids: each class, and each rule's current version.
type PlanState = (Vec<String>, Vec<(String, NaiveDate, RuleContent)>);

fn plan_of(vault: &Vault, session: &Session) -> PlanState {
    let classes = vault
        .list_classes(session)
        .expect("classes")
        .into_iter()
        .map(|c| {
            format!(
                "{}|{:?}|{}|{}|{}|{}|{}|{}|{}|{:?}",
                c.code,
                c.parent,
                c.depth,
                c.title_fr,
                c.title_en,
                c.scope_note_fr,
                c.scope_note_en,
                c.examples,
                c.active,
                c.rules
            )
        })
        .collect();
    let rules = vault
        .rules(session)
        .expect("rules")
        .into_iter()
        .map(|rule| {
            let current = rule.current().expect("a version").clone();
            (rule.number, current.effective_date, current.content)
        })
        .collect();
    (classes, rules)
}

#[test]
fn the_file_is_utf8_with_semicolons_and_french_headers() {
    assert!(SAMPLE_PLAN_CSV.starts_with("Type;Code;Parent;Titre FR;Titre EN;Note FR;Note EN;Exemples;Règle;"));
    assert!(!SAMPLE_PLAN_CSV.starts_with('\u{feff}'), "no byte-order mark in the source file");
    assert!(!SAMPLE_PLAN_CSV.contains('\r'), "one line ending");
}

#[test]
fn the_sample_plan_imports_into_a_fresh_vault_complete_and_bilingual() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let report = vault.import_sample_plan(&admin).expect("the sample plan imports");
    assert!(report.classes >= 60, "at least 60 classes: {report:?}");
    assert_eq!(report.classes_created, report.classes, "every class is new");
    assert_eq!(report.schedule.created, report.schedule.rules, "every rule is new");
    assert!(report.schedule.rules >= 60, "{report:?}");

    let classes = vault.list_classes(&admin).expect("classes");
    let rules: HashMap<String, RetentionRule> =
        vault.rules(&admin).expect("rules").into_iter().map(|rule| (rule.number.clone(), rule)).collect();
    assert_eq!(classes.len() as u32, report.classes);
    assert_eq!(rules.len() as u32, report.schedule.rules);

    // The hierarchy: six sections, two or three levels, nothing retired.
    let tops: Vec<&str> = classes.iter().filter(|c| c.parent.is_none()).map(|c| c.code.as_str()).collect();
    assert_eq!(tops, ["100", "200", "300", "400", "500", "600"]);
    assert_eq!(classes.iter().map(|c| c.depth).max(), Some(2), "three levels at most");
    assert!(classes.iter().all(|c| c.active));
    let titles: BTreeSet<&str> = classes.iter().map(|c| c.title_fr.as_str()).collect();
    for wanted in [
        "Conseil d'administration",
        "Politiques",
        "Plan de classification et calendrier de conservation",
        "Budget annuel",
        "Registres de paie",
        "Dossiers des fournisseurs",
        "Vérification externe",
        "Dossiers d'employés",
        "Affichages et concours",
        "Activités de formation",
        "Accidents du travail et maladies professionnelles",
        "Griefs et arbitrages",
        "Contrats de services et d'approvisionnement",
        "Poursuites et réclamations",
        "Polices d'assurance",
        "Demandes d'accès aux documents",
        "Registre des incidents de confidentialité",
        "Plaintes",
        "Permis de construction et de rénovation",
        "Publications et site Web",
        "Dossiers de mandat",
        "Expertises médicales indépendantes",
        "Rapports remis aux clients",
        "Consentements à l'expertise et à l'évaluation",
    ] {
        assert!(titles.contains(wanted), "the sample covers “{wanted}”");
    }

    // French and English on every class.
    for class in &classes {
        for (what, text) in [
            ("French title", &class.title_fr),
            ("English title", &class.title_en),
            ("French scope note", &class.scope_note_fr),
            ("English scope note", &class.scope_note_en),
        ] {
            assert!(!text.trim().is_empty(), "{} has no {what}", class.code);
        }
    }

    // Every leaf class has a rule whose principal copy has periods and a disposition; classes
    // that group others have none.
    let parents: BTreeSet<&str> = classes.iter().filter_map(|c| c.parent.as_deref()).collect();
    for class in &classes {
        let leaf = !parents.contains(class.code.as_str());
        assert_eq!(leaf, !class.rules.is_empty(), "{}: a rule exactly when files go into it", class.code);
        for number in &class.rules {
            let content = &rules[number].current().expect("a version").content;
            assert!(content.classes.contains(&class.code));
            let principal = content.copies.iter().find(|c| c.kind == CopyKind::Principal);
            let principal = principal.unwrap_or_else(|| panic!("rule {number} has a principal copy"));
            assert!(principal.active.is_valid() && principal.semi_active.is_valid(), "rule {number}");
        }
    }

    // Every rule: a series title, a holding unit, a principal copy first, media, and every
    // numbered remark a copy refers to is written out.
    let mut periods = HashSet::new();
    let mut dispositions = BTreeSet::new();
    let mut triggers = BTreeSet::new();
    let mut legal = String::new();
    for (number, rule) in &rules {
        assert_eq!(rule.versions.len(), 1, "{number}");
        let content = &rule.current().expect("a version").content;
        assert!(!content.series_title.is_empty() && !content.holding_units.is_empty(), "{number}");
        assert_eq!(content.copies[0].kind, CopyKind::Principal, "{number}: the principal copy comes first");
        assert!(content.copies.iter().filter(|c| c.kind == CopyKind::Principal).count() == 1, "{number}");
        triggers.insert(content.trigger.to_text().split(':').next().unwrap_or_default().to_owned());
        legal.push_str(&content.legal_reference);
        legal.push('\n');
        for copy in &content.copies {
            assert!(!copy.media_codes().is_empty(), "{number}: media");
            periods.insert(copy.active);
            periods.insert(copy.semi_active);
            dispositions.insert(copy.disposition.code());
            for label in [&copy.active_remark, &copy.semi_active_remark, &copy.disposition_remark].into_iter().flatten()
            {
                assert!(content.remark(label).is_some(), "rule {number}: the remark {label} is written out");
            }
            if matches!(copy.active, Period::UntilEvent) {
                assert!(copy.active_remark.is_some(), "rule {number}: 888 says which event");
            }
            if copy.disposition == Disposition::Sort {
                assert!(copy.disposition_remark.is_some(), "rule {number}: T says how to sort");
            }
        }
    }
    assert!(periods.contains(&Period::UntilEvent), "888 is used");
    assert!(periods.contains(&Period::WhileInUse), "999 is used");
    assert_eq!(dispositions.into_iter().collect::<String>(), "CDT", "C, D and T are used");
    for trigger in ["file_closed", "contract_ended", "last_activity", "birth_date", "file_date"] {
        assert!(triggers.contains(trigger), "{trigger} starts some rule's clock");
    }
    for statute in ["(RLRQ, c. A-2.1)", "(RLRQ, c. A-21.1)", "Code civil du Québec, art. 2925", "(RLRQ, c. S-2.1)"] {
        assert!(legal.contains(statute), "{statute} is cited");
    }

    // Rules as Quebec schedules write them, checked on a few.
    let employees = &rules["3010"].current().expect("3010").content;
    assert_eq!(employees.classes, ["300-10"]);
    assert_eq!(employees.trigger, TriggerEvent::ContractEnded);
    assert_eq!(
        (employees.copies[0].active, employees.copies[0].semi_active, employees.copies[0].disposition),
        (Period::WhileInUse, Period::Years(5), Disposition::Sort)
    );
    let vouchers = &rules["2040"].current().expect("2040").content;
    assert_eq!(vouchers.classes, ["200-20-10", "200-20-20", "200-40-15"], "one rule, several classes");
    assert_eq!(
        (vouchers.copies[0].semi_active, vouchers.copies[0].disposition),
        (Period::Years(6), Disposition::Destroy)
    );
    let board = &rules["1020"].current().expect("1020").content;
    assert_eq!(board.copies[0].disposition, Disposition::Keep, "board minutes are kept");

    // One audited import; the same file again changes nothing.
    assert_eq!(rows(&fixture, &vault)[3], 1);
    let again = vault.import_sample_plan(&admin).expect("again");
    assert_eq!((again.classes_unchanged, again.schedule.unchanged), (report.classes, report.schedule.rules));
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn export_then_import_gives_the_same_sample_plan() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let report = vault.import_sample_plan(&admin).expect("the sample plan imports");
    let original = plan_of(&vault, &admin);
    for (format, lang) in [
        (PlanFormat::Csv, Lang::Fr),
        (PlanFormat::Csv, Lang::En),
        (PlanFormat::Xlsx, Lang::Fr),
        (PlanFormat::Xlsx, Lang::En),
    ] {
        let bytes = vault.export_plan(&admin, format, lang).expect("export");
        let other = Fixture::new();
        let (mut second, second_admin) = admin_vault(&other);
        let imported =
            second.import_plan(&second_admin, format, &bytes).unwrap_or_else(|e| panic!("{format:?} {lang:?}: {e}"));
        assert_eq!(
            (imported.classes_created, imported.schedule.created),
            (report.classes, report.schedule.rules),
            "{format:?} {lang:?}"
        );
        assert_eq!(plan_of(&second, &second_admin), original, "{format:?} {lang:?}: export → import is lossless");
        let back = vault.import_plan(&admin, format, &bytes).expect("into itself");
        assert_eq!(
            (back.classes_unchanged, back.schedule.unchanged),
            (report.classes, report.schedule.rules),
            "{format:?} {lang:?}: nothing to change"
        );
    }
    assert_eq!(plan_of(&vault, &admin), original);
}

#[test]
fn only_those_who_manage_the_plan_import_the_sample() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let password = Secret::new("auditor password 1");
    vault
        .add_user(
            &admin,
            NewUser {
                username: "ana".into(),
                display_name: "Ana".into(),
                role: Role::Auditor,
                password: password.clone(),
            },
        )
        .expect("add auditor");
    let auditor = vault.sign_in("ana", &password).expect("auditor signs in");
    let error = vault.import_sample_plan(&auditor).expect_err("an auditor may not import");
    assert_eq!(error.code(), ErrorCode::PermissionDenied, "{error}");
    assert_eq!(rows(&fixture, &vault), [0; 4], "nothing imported");
    vault.import_sample_plan(&admin).expect("an administrator imports");
}
