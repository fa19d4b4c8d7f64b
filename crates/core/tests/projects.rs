//! Projects and their calendars: the precedence (file exception > project override, most
//! specific first > class rule) table-driven through one `check` helper and as properties, then
//! projects, overrides, permissions and the audit trail on a real vault.

mod common;

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    explain, CopyKind, Decided, Disposition, ErrorCode, ExplainQuery, FileException, Lang, NewOverride, NewProject,
    NewUser, OverrideId, Period, PlanFormat, Project, ProjectOverride, Replacement, Role, RuleBasis, Secret,
    Sensitivity, Session, Source, TriggerEvent, UserMessage, Vault,
};
use proptest::prelude::*;

fn basis(trigger: TriggerEvent) -> RuleBasis {
    RuleBasis {
        number: "3010".into(),
        version: 2,
        effective_date: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
        copy: CopyKind::Principal,
        active: Period::WhileInUse,
        semi_active: Period::Years(75),
        disposition: Disposition::Keep,
        trigger,
    }
}

fn replacement(active: Option<Period>, semi: Option<Period>, disposition: Option<Disposition>) -> Replacement {
    Replacement { active, semi_active: semi, disposition }
}

fn over(id: i64, class: Option<&str>, sensitivity: Option<Sensitivity>, r: Replacement) -> ProjectOverride {
    ProjectOverride {
        id: OverrideId(id),
        class: class.map(str::to_owned),
        sensitivity,
        replacement: r,
        reason: format!("motif {id}"),
        author: "marie".into(),
        created_at: "2026-11-23T14:00:00Z".into(),
        withdrawn_at: None,
    }
}

fn project(level: Sensitivity, overrides: Vec<ProjectOverride>) -> Project {
    Project {
        code: "MANDAT-7".into(),
        name: "Mandat 7".into(),
        owner: "marie".into(),
        sensitivity: level,
        active: true,
        created_at: "2026-11-23T14:00:00Z".into(),
        overrides,
    }
}

/// What the chain's steps are, by a short name: `rule`, `override N`, `file`.
fn step_names(chain: &[greffier_core::Step]) -> Vec<String> {
    chain
        .iter()
        .map(|step| match &step.source {
            Source::Rule { .. } => "rule".to_owned(),
            Source::ProjectOverride { id, .. } => format!("override {}", id.0),
            Source::FileException { .. } => "file".to_owned(),
        })
        .collect()
}

/// One case: the overrides of the project (if any), the sensitivity asked, a file exception, and
/// the expected (active, semi-active, disposition) with the chain's steps.
#[allow(clippy::type_complexity)]
fn check(
    why: &str,
    project_overrides: Option<Vec<ProjectOverride>>,
    sensitivity: Option<Sensitivity>,
    exception: Option<Replacement>,
    expected: (Period, Period, Disposition),
    chain: &[&str],
) {
    let project = project_overrides.map(|o| project(Sensitivity::Internal, o));
    let exception = exception.map(|replacement| FileException { replacement, reason: "litige en cours".into() });
    let explanation =
        explain("300-10", &basis(TriggerEvent::ContractEnded), project.as_ref(), sensitivity, exception.as_ref());
    assert_eq!((explanation.active, explanation.semi_active, explanation.disposition), expected, "{why}: the result");
    assert_eq!(step_names(&explanation.chain), chain, "{why}: the chain, least specific first");
    assert_eq!(explanation.trigger, TriggerEvent::ContractEnded, "{why}: the clock always starts at the rule's event");
    let decided: usize = explanation.chain.iter().map(|s| s.decides.len()).sum();
    assert_eq!(decided, 3, "{why}: each field is decided by exactly one step");
}

#[test]
fn the_precedence_is_file_exception_then_project_most_specific_first_then_rule() {
    use Disposition::*;
    use Period::*;
    use Sensitivity::*;
    let rule = (WhileInUse, Years(75), Keep);
    check("no project: the rule", None, None, None, rule, &["rule"]);
    check("a project without overrides: the rule", Some(vec![]), None, None, rule, &["rule"]);
    let by_level = over(1, None, Some(Personal), replacement(None, Some(Years(10)), Some(Destroy)));
    let by_class = over(2, Some("300-10"), None, replacement(Some(Years(3)), None, None));
    let by_both = over(3, Some("300-10"), Some(Personal), replacement(None, Some(Years(5)), None));
    let other_class = over(4, Some("300-20"), None, replacement(Some(Years(1)), None, None));
    let other_level = over(5, None, Some(Public), replacement(Some(Years(1)), None, None));
    let all = vec![by_level.clone(), by_class.clone(), by_both.clone(), other_class.clone(), other_level.clone()];
    check(
        "sensitivity only",
        Some(vec![by_level.clone()]),
        Some(Personal),
        None,
        (WhileInUse, Years(10), Destroy),
        &["rule", "override 1"],
    );
    check("a level that does not match", Some(vec![by_level.clone()]), Some(Confidential), None, rule, &["rule"]);
    check(
        "the project's own level when none is asked",
        Some(vec![over(6, None, Some(Internal), replacement(Some(Years(2)), None, None))]),
        None,
        None,
        (Years(2), Years(75), Keep),
        &["rule", "override 6"],
    );
    check(
        "class beats sensitivity, field by field",
        Some(vec![by_class.clone(), by_level.clone()]),
        Some(Personal),
        None,
        (Years(3), Years(10), Destroy),
        &["rule", "override 1", "override 2"],
    );
    check(
        "class and sensitivity beat class and sensitivity alone",
        Some(all.clone()),
        Some(Personal),
        None,
        (Years(3), Years(5), Destroy),
        &["rule", "override 1", "override 2", "override 3"],
    );
    check(
        "the file's exception beats everything",
        Some(all.clone()),
        Some(Personal),
        Some(replacement(None, Some(UntilEvent), Some(Sort))),
        (Years(3), UntilEvent, Sort),
        &["rule", "override 1", "override 2", "override 3", "file"],
    );
    check(
        "an exception without a project",
        None,
        None,
        Some(replacement(Some(Months(18)), None, None)),
        (Months(18), Years(75), Keep),
        &["rule", "file"],
    );
    check("an empty exception is no step", None, None, Some(Replacement::default()), rule, &["rule"]);
    let mut withdrawn = by_class.clone();
    withdrawn.withdrawn_at = Some("2026-12-01T00:00:00Z".into());
    check("a withdrawn override is not considered", Some(vec![withdrawn]), None, None, rule, &["rule"]);
    check("another class's override", Some(vec![other_class]), Some(Public), None, rule, &["rule"]);
    check("another level's override", Some(vec![other_level]), Some(Personal), None, rule, &["rule"]);
}

#[test]
fn every_period_and_event_combination_survives_the_precedence() {
    let periods = [Period::Years(0), Period::Years(7), Period::Months(18), Period::UntilEvent, Period::WhileInUse];
    let triggers = [
        TriggerEvent::FileClosed,
        TriggerEvent::ContractEnded,
        TriggerEvent::LastActivity,
        TriggerEvent::BirthDate,
        TriggerEvent::FileDate { field: "date de fin du mandat".into() },
        TriggerEvent::FixedDate { date: NaiveDate::from_ymd_opt(2030, 6, 30).expect("date") },
    ];
    for trigger in &triggers {
        for active in periods {
            for semi in periods {
                let project = project(
                    Sensitivity::Personal,
                    vec![over(1, Some("300-10"), None, replacement(Some(active), Some(semi), None))],
                );
                let e = explain("300-10", &basis(trigger.clone()), Some(&project), None, None);
                assert_eq!(
                    (e.active, e.semi_active, &e.trigger),
                    (active, semi, trigger),
                    "{active:?} {semi:?} {trigger:?}"
                );
                let fr = e.render(Lang::Fr);
                assert!(fr.contains(&active.label(Lang::Fr)) && fr.contains(&trigger.label(Lang::Fr)), "{fr}");
                let en = e.render(Lang::En);
                assert!(en.contains(&semi.label(Lang::En)) && en.contains(&trigger.label(Lang::En)), "{en}");
            }
        }
    }
}

fn any_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (0u32..100).prop_map(Period::Years),
        (0u32..240).prop_map(Period::Months),
        Just(Period::UntilEvent),
        Just(Period::WhileInUse)
    ]
}

fn any_replacement() -> impl Strategy<Value = Replacement> {
    (
        proptest::option::of(any_period()),
        proptest::option::of(any_period()),
        proptest::option::of(prop_oneof![Just(Disposition::Destroy), Just(Disposition::Keep), Just(Disposition::Sort)]),
    )
        .prop_map(|(active, semi_active, disposition)| Replacement { active, semi_active, disposition })
}

fn any_override() -> impl Strategy<Value = ProjectOverride> {
    (
        proptest::option::of(prop_oneof![Just("300-10"), Just("300-20")]),
        proptest::option::of(proptest::sample::select(Sensitivity::ALL.to_vec())),
        any_replacement(),
    )
        .prop_map(|(class, level, r)| over(0, class, level, r))
}

proptest! {
    /// Whatever the calendar, the chain starts at the rule, climbs in specificity, ends at the
    /// most specific applicable source, and each field of the result is that of the last step
    /// that gives it.
    #[test]
    fn the_explanation_ends_at_the_most_specific_applicable_source(
        overrides in proptest::collection::vec(any_override(), 0..6),
        level in proptest::option::of(proptest::sample::select(Sensitivity::ALL.to_vec())),
        exception in proptest::option::of(any_replacement()),
    ) {
        let overrides: Vec<ProjectOverride> =
            overrides.into_iter().enumerate().map(|(i, mut o)| { o.id = OverrideId(i as i64 + 1); o }).collect();
        let project = project(Sensitivity::Confidential, overrides);
        let exception = exception.map(|replacement| FileException { replacement, reason: "r".into() });
        let e = explain("300-10", &basis(TriggerEvent::FileClosed), Some(&project), level, exception.as_ref());
        let level = level.or(Some(Sensitivity::Confidential));
        let rank = |source: &Source| match source {
            Source::Rule { .. } => 0,
            Source::ProjectOverride { class, sensitivity, .. } => {
                1 + u8::from(class.is_some()) * 2 + u8::from(sensitivity.is_some())
            }
            Source::FileException { .. } => 9,
        };
        prop_assert!(matches!(e.chain[0].source, Source::Rule { .. }), "the chain starts at the rule");
        prop_assert!(e.chain.windows(2).all(|w| rank(&w[0].source) <= rank(&w[1].source)));
        for step in &e.chain[1..] {
            if let Source::ProjectOverride { class, sensitivity, .. } = &step.source {
                prop_assert!(class.as_deref().is_none_or(|c| c == "300-10"), "only overrides that apply");
                prop_assert!(sensitivity.is_none_or(|s| Some(s) == level));
            }
        }
        let most_specific = project.overrides.iter()
            .filter(|o| o.class.as_deref().is_none_or(|c| c == "300-10") && o.sensitivity.is_none_or(|s| Some(s) == level))
            .map(|o| 1 + u8::from(o.class.is_some()) * 2 + u8::from(o.sensitivity.is_some()))
            .max();
        let expected_last = match (&exception, most_specific) {
            (Some(x), _) if !x.replacement.is_empty() => 9,
            (_, Some(rank)) => rank,
            _ => 0,
        };
        prop_assert_eq!(rank(&e.chain[e.chain.len() - 1].source), expected_last);
        let last = |pick: &dyn Fn(&Replacement) -> bool| e.chain.iter().rposition(|s| pick(&s.replacement)).expect("the rule gives all");
        prop_assert_eq!(Some(e.active), e.chain[last(&|r| r.active.is_some())].replacement.active);
        prop_assert_eq!(Some(e.semi_active), e.chain[last(&|r| r.semi_active.is_some())].replacement.semi_active);
        prop_assert_eq!(Some(e.disposition), e.chain[last(&|r| r.disposition.is_some())].replacement.disposition);
        prop_assert!(e.chain[last(&|r| r.active.is_some())].decides.contains(&Decided::Active));
    }
}

// ----- on a real vault -----

const PLAN: &str = "\
Type;Code;Parent;Titre FR;Règle;Classes;Titre de la série;Déclencheur;Exemplaire;Période active;Période semi-active;Disposition
classe;300;;Ressources humaines;;;;;;;;
classe;300-10;300;Dossiers d'employés;;;;;;;;
classe;300-20;300;Rémunération;;;;;;;;
classe;300-30;300;Sans règle;;;;;;;;
règle;;;;3010;300-10;Dossiers d'employés;fin_contrat;P;999;75 ans;C
règle;;;;3010;;;;S;2;0;D
règle;;;;3020;300-20;Paie;;P;3;4;D
règle;;;;3021;300-20;Avantages;;P;1;1;D
";

fn setup(fixture: &Fixture) -> (Vault, Session, Session, Session) {
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin");
    let mut user = |name: &str, role| {
        let password = Secret::new(format!("{name} password 1"));
        vault
            .add_user(
                &admin,
                NewUser { username: name.into(), display_name: name.into(), role, password: password.clone() },
            )
            .expect("add");
        vault.sign_in(name, &password).expect("sign in")
    };
    let archivist = user("marie", Role::Archivist);
    let auditor = user("ana", Role::Auditor);
    vault.import_plan(&admin, PlanFormat::Csv, PLAN.as_bytes()).expect("plan");
    (vault, admin, archivist, auditor)
}

#[test]
fn projects_and_their_calendars_on_a_vault() {
    let fixture = Fixture::new();
    let (mut vault, admin, marie, ana) = setup(&fixture);
    let new = NewProject {
        code: "MANDAT-7".into(),
        name: "Mandat Ville de Lévis".into(),
        owner: "marie".into(),
        sensitivity: Sensitivity::Personal,
    };
    let project = vault.add_project(&marie, new.clone()).expect("an archivist adds a project");
    assert_eq!((project.owner.as_str(), project.sensitivity, project.active), ("marie", Sensitivity::Personal, true));

    let refused = |result: Result<(), greffier_core::Error>, code: ErrorCode, needle: &str| {
        let error = result.expect_err(needle);
        assert_eq!(error.code(), code, "{error}");
        assert!(error.message(Lang::En).contains(needle), "{needle:?} missing from {error}");
        assert!(!error.message(Lang::Fr).is_empty());
    };
    refused(vault.add_project(&marie, new.clone()).map(drop), ErrorCode::ProjectCodeTaken, "MANDAT-7");
    refused(
        vault.add_project(&ana, NewProject { code: "X".into(), ..new.clone() }).map(drop),
        ErrorCode::PermissionDenied,
        "manage_plan",
    );
    refused(
        vault.add_project(&marie, NewProject { code: "Y".into(), owner: "nobody".into(), ..new.clone() }).map(drop),
        ErrorCode::UnknownUser,
        "nobody",
    );
    refused(
        vault.add_project(&marie, NewProject { code: "a b".into(), ..new.clone() }).map(drop),
        ErrorCode::ProjectCodeInvalid,
        "a b",
    );

    let by_class = NewOverride {
        class: Some("300-10".into()),
        sensitivity: None,
        replacement: replacement(Some(Period::Years(2)), None, None),
        reason: "Contrat de service : remise au client à la fin du mandat".into(),
    };
    let first = vault.add_override(&marie, "MANDAT-7", by_class.clone()).expect("override by class");
    refused(
        vault.add_override(&marie, "MANDAT-7", by_class.clone()).map(drop),
        ErrorCode::OverrideExists,
        &format!("override #{}", first.id.0),
    );
    refused(
        vault.add_override(&marie, "MANDAT-7", NewOverride { reason: " ".into(), ..by_class.clone() }).map(drop),
        ErrorCode::OverrideInvalid,
        "reason",
    );
    refused(
        vault.add_override(&marie, "MANDAT-7", NewOverride { class: None, ..by_class.clone() }).map(drop),
        ErrorCode::OverrideInvalid,
        "scope",
    );
    refused(
        vault
            .add_override(&marie, "MANDAT-7", NewOverride { replacement: Replacement::default(), ..by_class.clone() })
            .map(drop),
        ErrorCode::OverrideInvalid,
        "replace",
    );
    refused(
        vault.add_override(&marie, "MANDAT-7", NewOverride { class: Some("999".into()), ..by_class.clone() }).map(drop),
        ErrorCode::UnknownClass,
        "999",
    );
    refused(
        vault.add_override(&ana, "MANDAT-7", by_class.clone()).map(drop),
        ErrorCode::PermissionDenied,
        "manage_plan",
    );
    vault
        .add_override(
            &marie,
            "MANDAT-7",
            NewOverride {
                class: Some("300-10".into()),
                sensitivity: Some(Sensitivity::HighlySensitive),
                replacement: replacement(None, None, Some(Disposition::Destroy)),
                reason: "Renseignements de santé".into(),
            },
        )
        .expect("override by class and level");

    // The auditor reads and explains; the explanation names each source.
    let query = |sensitivity, exception: Option<Replacement>| ExplainQuery {
        class: "300-10".into(),
        project: Some("MANDAT-7".into()),
        sensitivity,
        file_exception: exception.map(|replacement| FileException { replacement, reason: "Litige".into() }),
        ..ExplainQuery::default()
    };
    let e = vault.explain(&ana, &query(None, None)).expect("explain");
    assert_eq!(
        (e.active, e.semi_active, e.disposition, e.sensitivity),
        (Period::Years(2), Period::Years(75), Disposition::Keep, Some(Sensitivity::Personal))
    );
    assert_eq!(step_names(&e.chain), ["rule", &format!("override {}", first.id.0)]);
    let e = vault
        .explain(
            &ana,
            &query(Some(Sensitivity::HighlySensitive), Some(replacement(Some(Period::Years(9)), None, None))),
        )
        .expect("explain");
    assert_eq!((e.active, e.disposition), (Period::Years(9), Disposition::Destroy));
    let en = e.render(Lang::En);
    assert!(
        en.contains("rule 3010, version 1")
            && en.contains("class 300-10 and level highly sensitive")
            && en.contains("the file's exception: Litige"),
        "{en}"
    );
    let fr = e.render(Lang::Fr);
    assert!(
        fr.contains("règle 3010, version 1")
            && fr.contains("dérogation n°")
            && fr.contains("exception du dossier : Litige"),
        "{fr}"
    );

    // Errors that name the class or the rule.
    let explain_class = |class: &str, rule: Option<&str>| {
        vault
            .explain(
                &ana,
                &ExplainQuery { class: class.into(), rule: rule.map(str::to_owned), ..ExplainQuery::default() },
            )
            .map(drop)
    };
    refused(explain_class("300-30", None), ErrorCode::ClassHasNoRule, "class 300-30 has no retention rule");
    refused(explain_class("300-20", None), ErrorCode::RuleAmbiguous, "(3020, 3021)");
    assert!(explain_class("300-20", Some("3021")).is_ok());
    refused(
        explain_class("300-20", Some("3010")),
        ErrorCode::RuleAmbiguous,
        "rule 3010 does not apply to the class 300-20",
    );

    // Withdrawing keeps the override in the history.
    vault.withdraw_override(&marie, "MANDAT-7", first.id).expect("withdraw");
    refused(vault.withdraw_override(&marie, "MANDAT-7", first.id), ErrorCode::UnknownOverride, "no override");
    let calendar = vault.project(&ana, "MANDAT-7").expect("project");
    assert_eq!(calendar.overrides.len(), 2);
    assert!(calendar.overrides[0].withdrawn_at.is_some());
    assert_eq!(
        vault.explain(&ana, &query(None, None)).expect("explain").active,
        Period::WhileInUse,
        "back to the rule"
    );
    vault.add_override(&marie, "MANDAT-7", by_class).expect("a new override for the same scope after the withdrawal");

    let raw = fixture.raw(vault.vault_id());
    assert!(raw.execute("DELETE FROM project_overrides", []).is_err(), "overrides are never deleted");
    assert!(raw.execute("UPDATE project_overrides SET reason = 'x'", []).is_err(), "nor edited");
    assert!(raw.execute("DELETE FROM projects", []).is_err(), "projects are never deleted");
    drop(raw);
    let actions: Vec<String> = vault.recent_audit(&admin, 200).expect("audit").into_iter().map(|e| e.action).collect();
    for action in ["project.create", "project.override_add", "project.override_withdraw"] {
        assert!(actions.iter().any(|a| a == action), "{action} is audited");
    }
    assert_eq!(vault.projects(&ana).expect("list").len(), 1);
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

/// A project at level `personal` whose calendar depends on the level, and three of its files
/// (contract ended 2022-06-30): A at the project's level, B at its own level `public`, C at the
/// project's level but held.
fn project_with_files(vault: &mut Vault, marie: &Session) {
    vault
        .add_project(
            marie,
            NewProject {
                code: "MANDAT-9".into(),
                name: "Mandat Québec".into(),
                owner: "marie".into(),
                sensitivity: Sensitivity::Personal,
            },
        )
        .expect("project");
    for (level, years) in [(Sensitivity::Personal, 10), (Sensitivity::Confidential, 20)] {
        let new = NewOverride {
            class: None,
            sensitivity: Some(level),
            replacement: replacement(None, Some(Period::Years(years)), Some(Disposition::Destroy)),
            reason: format!("{years} ans au niveau {}", level.as_str()),
        };
        vault.add_override(marie, "MANDAT-9", new).expect("override by level");
    }
    for (reference, level) in [("A", None), ("B", Some(Sensitivity::Public)), ("C", None)] {
        vault
            .create_file(marie, file(reference, Some("MANDAT-9"), level))
            .unwrap_or_else(|e| panic!("{reference}: {e}"));
    }
    vault
        .place_hold(
            marie,
            greffier_core::HoldTarget::File("C".into()),
            greffier_core::HoldKind::Litigation,
            "Poursuite",
            None,
        )
        .expect("hold");
}

fn file(reference: &str, project: Option<&str>, level: Option<Sensitivity>) -> greffier_core::FileDraft {
    greffier_core::FileDraft {
        reference: reference.into(),
        class: "300-10".into(),
        project: project.map(str::to_owned),
        title: format!("Dossier d'employé {reference}"),
        sensitivity: level,
        dates: greffier_core::FileDates {
            contract_ended_on: NaiveDate::from_ymd_opt(2022, 6, 30),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Each file's stored level and final disposition date, read from the vault file.
fn stored(fixture: &Fixture, vault: &Vault) -> Vec<(String, String, Option<String>)> {
    let raw = fixture.raw(vault.vault_id());
    let mut stmt =
        raw.prepare("SELECT reference, sensitivity, semi_active_until FROM files ORDER BY reference").expect("sql");
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn found(vault: &Vault, session: &Session, query: &str) -> Vec<String> {
    let filter = greffier_core::FileFilter { query: query.into(), ..Default::default() };
    let mut refs: Vec<String> = vault
        .search_files(session, &filter, 0, 50, false)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.row.reference)
        .collect();
    refs.sort();
    refs
}

#[test]
fn a_new_level_moves_the_files_that_follow_the_project_to_the_override_of_that_level() {
    let fixture = Fixture::new();
    let (mut vault, admin, marie, ana) = setup(&fixture);
    project_with_files(&mut vault, &marie);
    let row = |r: &str, level: &str, date: &str| (r.to_owned(), level.to_owned(), Some(date.to_owned()));
    assert_eq!(
        stored(&fixture, &vault),
        [row("A", "personal", "2032-06-30"), row("B", "public", "2097-06-30"), row("C", "personal", "2032-06-30")],
        "personal: 10 years; public: the rule's 75"
    );

    let edit = |level| greffier_core::project::ProjectEdit {
        name: "Mandat Québec (volet 2)".into(),
        owner: "admin".into(),
        sensitivity: level,
    };
    let report = vault.edit_project(&marie, "MANDAT-9", edit(Sensitivity::Confidential)).expect("edit");
    assert_eq!(
        (report.files_sensitivity_changed, report.files_held, report.files_recomputed),
        (1, 1, 1),
        "A follows the project to the new level and its override; B has its own level; C is held"
    );
    assert_eq!(
        (report.project.name.as_str(), report.project.owner.as_str(), report.project.sensitivity),
        ("Mandat Québec (volet 2)", "admin", Sensitivity::Confidential)
    );
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!((json["filesRecomputed"].clone(), json["project"]["code"].clone()), (1.into(), "MANDAT-9".into()));
    assert_eq!(
        stored(&fixture, &vault),
        [row("A", "confidential", "2042-06-30"), row("B", "public", "2097-06-30"), row("C", "personal", "2032-06-30")],
        "the stored dates the due list reads"
    );
    let a = vault.file(&marie, "A").expect("A");
    assert_eq!(a.due.semi_active_until, NaiveDate::from_ymd_opt(2042, 6, 30), "what the file shows agrees");
    assert_eq!(found(&vault, &marie, "due:2042"), ["A"], "the index follows");
    assert_eq!(found(&vault, &marie, "due:2032"), ["C"]);
    assert_eq!(found(&vault, &marie, "sensitivity:confidential"), ["A"]);
    assert!(vault.check_index(&admin).expect("check").is_consistent());

    // Back to personal: A follows again; C, held, never left it. Then an edit that changes nothing.
    let report = vault.edit_project(&marie, "MANDAT-9", edit(Sensitivity::Personal)).expect("back");
    assert_eq!((report.files_sensitivity_changed, report.files_held, report.files_recomputed), (1, 0, 1));
    assert_eq!(found(&vault, &marie, "due:2032"), ["A", "C"]);
    let events = vault.recent_audit(&admin, 1000).expect("audit").len();
    let report = vault.edit_project(&marie, "MANDAT-9", edit(Sensitivity::Personal)).expect("the same");
    assert_eq!((report.files_sensitivity_changed, report.files_held, report.files_recomputed), (0, 0, 0));
    assert_eq!(vault.recent_audit(&admin, 1000).expect("audit").len(), events, "nothing to record");

    let refused = |result: Result<greffier_core::project::ProjectEditReport, greffier_core::Error>,
                   code: ErrorCode,
                   needle: &str| {
        let error = result.expect_err(needle);
        assert_eq!(error.code(), code, "{error}");
        assert!(error.message(Lang::En).contains(needle), "{needle:?} missing from {error}");
        assert!(!error.message(Lang::Fr).is_empty());
    };
    let before = stored(&fixture, &vault);
    refused(
        vault.edit_project(&ana, "MANDAT-9", edit(Sensitivity::Public)),
        ErrorCode::PermissionDenied,
        "manage_plan",
    );
    refused(
        vault.edit_project(
            &marie,
            "MANDAT-9",
            greffier_core::project::ProjectEdit { owner: "nobody".into(), ..edit(Sensitivity::Public) },
        ),
        ErrorCode::UnknownUser,
        "nobody",
    );
    refused(
        vault.edit_project(
            &marie,
            "MANDAT-9",
            greffier_core::project::ProjectEdit { name: " ".into(), ..edit(Sensitivity::Public) },
        ),
        ErrorCode::ProjectNameMissing,
        "MANDAT-9",
    );
    refused(vault.edit_project(&marie, "NONE", edit(Sensitivity::Public)), ErrorCode::UnknownProject, "NONE");
    assert_eq!(stored(&fixture, &vault), before, "a refused edit changes no file");
    assert_eq!(vault.project(&ana, "MANDAT-9").expect("project").sensitivity, Sensitivity::Personal);

    let event = vault
        .recent_audit(&admin, 20)
        .expect("audit")
        .into_iter()
        .find(|e| {
            e.action == "project.update"
                && e.details.as_ref().is_some_and(|d| d["after"]["sensitivity"] == "confidential")
        })
        .expect("the edit is audited");
    let details = event.details.expect("details");
    assert_eq!(
        (details["before"]["sensitivity"].clone(), details["after"]["sensitivity"].clone()),
        ("personal".into(), "confidential".into())
    );
    assert_eq!(details["filesSensitivityChanged"], serde_json::json!(["A"]));
    assert_eq!(details["filesHeld"], serde_json::json!(["C"]));
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn a_closed_project_takes_no_new_file_until_it_is_reopened() {
    let fixture = Fixture::new();
    let (mut vault, admin, marie, ana) = setup(&fixture);
    project_with_files(&mut vault, &marie);
    vault.create_file(&marie, file("D", None, None)).expect("a file without a project");
    assert_eq!(
        vault.set_project_active(&ana, "MANDAT-9", false).expect_err("an auditor").code(),
        ErrorCode::PermissionDenied
    );
    let closed = vault.set_project_active(&marie, "MANDAT-9", false).expect("closed");
    assert!(!closed.active);
    assert!(!vault.projects(&ana).expect("list")[0].active, "listed as closed");

    let count = vault.file_count(&marie).expect("count");
    let refused = |error: greffier_core::Error| {
        assert_eq!(error.code(), ErrorCode::ProjectClosed, "{error}");
        assert!(error.message(Lang::En).contains("MANDAT-9 is closed"), "{error}");
        assert!(error.message(Lang::Fr).contains("MANDAT-9 est fermé"), "{}", error.message(Lang::Fr));
    };
    refused(vault.create_file(&marie, file("E", Some("MANDAT-9"), None)).expect_err("a new file"));
    refused(vault.update_file(&marie, "D", file("D", Some("mandat-9"), None)).expect_err("a file moved into it"));
    let dir = tempfile::tempdir().expect("tempdir");
    let sheet = dir.path().join("dossiers.csv");
    std::fs::write(&sheet, "reference;class;project;title;contract_ended\nI-1;300-10;MANDAT-9;Importé;2022-06-30\n")
        .expect("write");
    refused(vault.import_register(&marie, Some(&sheet), None, &mut |_| true).expect_err("an import"));
    assert_eq!(vault.file_count(&marie).expect("count"), count, "nothing was filed");

    // Its files stay in it, with their calendar, and can still change.
    let mut a = file("A", Some("MANDAT-9"), None);
    a.title = "Dossier d'employé A, complété".into();
    let edited = vault.update_file(&marie, "A", a).expect("a file of the closed project");
    assert_eq!(
        (edited.project.as_deref(), edited.due.semi_active_until),
        (Some("MANDAT-9"), NaiveDate::from_ymd_opt(2032, 6, 30))
    );

    let reopened = vault.set_project_active(&marie, "MANDAT-9", true).expect("reopened");
    assert!(reopened.active);
    vault.create_file(&marie, file("E", Some("MANDAT-9"), None)).expect("a new file once reopened");
    vault.import_register(&marie, Some(&sheet), None, &mut |_| true).expect("an import once reopened");
    let actions: Vec<String> = vault.recent_audit(&admin, 50).expect("audit").into_iter().map(|e| e.action).collect();
    for action in ["project.close", "project.reopen"] {
        assert!(actions.iter().any(|a| a == action), "{action} is audited");
    }
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn sources_serialise_in_camel_case_for_the_desktop() {
    let source = Source::Rule {
        number: "0002".into(),
        version: 2,
        effective_date: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
    };
    let json = serde_json::to_value(&source).expect("json");
    assert_eq!(json["kind"], "rule");
    assert_eq!(json["effectiveDate"], "2027-01-01", "the UI reads camelCase fields: {json}");
}
