//! The classification plan and the retention schedule on real vaults: the real BAnQ schedule
//! imported whole and faithfully, broken copies of it refused whole with the rule and the field
//! named, rule versions, classes and their codes, permissions, and the XML round trip.

mod common;

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    ClassDraft, CopyKind, Disposition, ErrorCode, ImportReport, Lang, NewUser, Period, RetentionRule, Role,
    RuleRevision, Secret, Session, TriggerEvent, Unlock, UserMessage, Vault,
};

/// The real schedule (see tests/data/README.md).
const BANQ: &str = include_str!("data/retention-schedule-banq.xml");

/// The vault of the fixture with its administrator signed in.
fn admin_vault(fixture: &Fixture) -> (Vault, Session) {
    let vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    (vault, admin)
}

fn add_user(vault: &mut Vault, admin: &Session, name: &str, role: Role) -> Session {
    let password = Secret::new(format!("{name} password 1"));
    vault
        .add_user(admin, NewUser { username: name.into(), display_name: name.into(), role, password: password.clone() })
        .expect("add user");
    vault.sign_in(name, &password).expect("sign in")
}

fn import_banq(vault: &mut Vault, admin: &Session) -> ImportReport {
    vault.import_schedule_xml(admin, BANQ.as_bytes()).expect("the real schedule imports")
}

fn rule(vault: &Vault, session: &Session, number: &str) -> RetentionRule {
    vault.rule(session, number).unwrap_or_else(|e| panic!("rule {number}: {e}"))
}

fn audit_actions(vault: &Vault, admin: &Session) -> Vec<String> {
    vault.recent_audit(admin, 1000).expect("audit").into_iter().rev().map(|e| e.action).collect()
}

/// Rows in each table of the plan and the schedule, read on a raw connection.
fn plan_rows(fixture: &Fixture, vault: &Vault) -> [i64; 5] {
    let raw = fixture.raw(vault.vault_id());
    ["plan_classes", "retention_rules", "retention_rule_versions", "retention_copies", "retention_version_classes"]
        .map(|table| raw.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).expect("count"))
}

/// `xml` with the first `from` after rule `number`'s NUMREGLE replaced by `to`.
fn in_rule(xml: &str, number: &str, from: &str, to: &str) -> String {
    let start = xml.find(&format!("<NUMREGLE>{number}</NUMREGLE>")).expect("rule in the file");
    let at = start + xml[start..].find(from).expect("value in the rule");
    format!("{}{to}{}", &xml[..at], &xml[at + from.len()..])
}

#[test]
fn the_real_banq_schedule_imports_completely_and_faithfully() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let report = import_banq(&mut vault, &admin);
    assert_eq!(
        report,
        ImportReport { rules: 192, copies: 405, created: 192, revised: 0, unchanged: 0, classes_created: 192 },
        "every rule and copy of the file, and one class per distinct CODECLASS code"
    );
    let rules = vault.rules(&admin).expect("rules");
    assert_eq!(rules.len(), 192);
    let copies: Vec<_> =
        rules.iter().flat_map(|r| r.versions.iter().flat_map(|v| v.content.copies.iter().cloned())).collect();
    assert_eq!(copies.len(), 405, "405 copy rows");
    let count = |f: &dyn Fn(&greffier_core::CopyRule) -> bool| copies.iter().filter(|c| f(c)).count();
    assert_eq!(count(&|c| c.active == Period::UntilEvent), 178, "PERIOACTIF 888");
    assert_eq!(count(&|c| c.active == Period::WhileInUse), 101, "PERIOACTIF 999");
    assert_eq!(count(&|c| c.semi_active == Period::UntilEvent), 1, "PERIOSMACT 888 (rule 0020)");
    assert_eq!(count(&|c| c.disposition == Disposition::Destroy), 269);
    assert_eq!(count(&|c| c.disposition == Disposition::Sort), 79);
    assert_eq!(count(&|c| c.disposition == Disposition::Keep), 57);
    assert_eq!(count(&|c| c.kind == CopyKind::Principal), 213);
    assert_eq!(count(&|c| c.disposition_remark.is_some()), 93, "REM_DISPOINACT references");

    let r0002 = rule(&vault, &admin, "0002");
    assert_eq!(r0002.versions.len(), 1);
    let v1 = &r0002.versions[0];
    assert_eq!((v1.version, v1.author.as_str(), v1.origin.as_str()), (1, ADMIN, "import"));
    assert_eq!(v1.effective_date, NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"), "the import's day");
    let c = &v1.content;
    assert_eq!(c.series_title, "Mission et mandat");
    assert_eq!(c.classes, ["A120"]);
    assert_eq!(
        (c.organisation_id.as_str(), c.transaction_type.as_str(), c.collection.as_str(), c.collection_number.as_str()),
        ("00101010", "A", "MO- 2010", "1101"),
        "kept as found, the odd space included"
    );
    assert_eq!((c.essential, c.confidential, c.grillechan.as_str()), (Some(true), Some(false), "N"));
    assert_eq!(c.document_types, "Correspondance; Étude; Rapport; Plan");
    assert_eq!(c.trigger, TriggerEvent::FileClosed, "the XML has no trigger: imported rules start at closing");
    let summary: Vec<_> = c
        .copies
        .iter()
        .map(|copy| (copy.kind, copy.media.as_str(), copy.active, copy.semi_active, copy.disposition))
        .collect();
    assert_eq!(
        summary,
        [
            (CopyKind::Principal, "PA,DM", Period::WhileInUse, Period::Years(5), Disposition::Keep),
            (CopyKind::Secondary, "PA,DM", Period::WhileInUse, Period::Years(0), Disposition::Destroy),
        ],
        "rule 0002: principal 999 / 5 / C, secondary 999 / 0 / D"
    );

    let r0004 = rule(&vault, &admin, "0004");
    let c = &r0004.versions[0].content;
    assert_eq!(c.classes, ["A210", "A230"], "CODECLASS is ;-separated");
    assert_eq!(c.copies[0].disposition, Disposition::Sort);
    assert_eq!(c.copies[0].disposition_remark.as_deref(), Some("R1"));
    assert_eq!(c.remark("R1").as_deref(), Some("Verser les organigrammes."), "the sort criteria are remark R1");

    let r0035 = rule(&vault, &admin, "0035");
    let c = &r0035.versions[0].content;
    assert!(c.legal_reference.starts_with("Loi sur l'accès aux documents des organismes publics"));
    assert!(c.legal_reference.ends_with("art. 53 et 54."), "trimmed at the ends only: {:?}", c.legal_reference);
    let delays: Vec<_> = c.copies.iter().map(|copy| copy.delay_number.as_deref()).collect();
    assert_eq!(delays, [Some("0035.1"), Some("0035.2"), None]);
    let first = &c.copies[0];
    assert_eq!(
        (first.active, first.active_remark.as_deref(), first.semi_active, first.semi_active_remark.as_deref()),
        (Period::UntilEvent, Some("R1"), Period::Years(75), Some("R3"))
    );
    assert_eq!(
        c.remark("R3").as_deref(),
        Some("75 ans après la date de naissance de l'employé ou six ans après son décès.")
    );

    // Rule 0082 refers to a remark R2 it does not have: kept as it is, not "fixed".
    let r0082 = rule(&vault, &admin, "0082");
    let c = &r0082.versions[0].content;
    assert!(c.copies.iter().any(|copy| copy.disposition_remark.as_deref() == Some("R2")
        || copy.active_remark.as_deref() == Some("R2")
        || copy.semi_active_remark.as_deref() == Some("R2")
        || copy.media_remark.as_deref() == Some("R2")));
    assert_eq!(c.remark("R2"), None);

    let r0020 = rule(&vault, &admin, "0020");
    assert_eq!(r0020.versions[0].content.copies[0].semi_active, Period::UntilEvent);
    let r0099 = rule(&vault, &admin, "0099");
    assert_eq!(r0099.versions[0].content.copies[0].media_codes(), ["PA", "DM", "DO"]);
    let r0028 = rule(&vault, &admin, "0028");
    assert_eq!(r0028.versions[0].content.copies[0].media_remark.as_deref(), Some("R1"));

    let classes = vault.list_classes(&admin).expect("classes");
    assert_eq!(classes.len(), 192);
    let a120 = classes.iter().find(|class| class.code == "A120").expect("A120");
    assert_eq!((a120.title_fr.as_str(), a120.rules.as_slice()), ("Mission et mandat", &["0002".to_owned()][..]));
    let a310 = classes.iter().find(|class| class.code == "A310").expect("A310");
    assert_eq!(a310.rules.len(), 2, "two rules apply to A310");
    assert!(classes.windows(2).all(|w| greffier_core::plan::compare_codes(&w[0].code, &w[1].code).is_lt()));

    let actions = audit_actions(&vault, &admin);
    assert_eq!(actions.iter().filter(|a| *a == "plan.import").count(), 1, "one event for the whole import");
    let event = vault.recent_audit(&admin, 10).expect("audit").into_iter().find(|e| e.action == "plan.import");
    let details = event.and_then(|e| e.details).expect("details");
    assert_eq!(details["report"]["rules"], 192);
    assert_eq!(details["report"]["copies"], 405);
    assert_eq!(details["sha256"].as_str().map(str::len), Some(64));
}

/// A broken copy of the file: what is wrong, its bytes, the error code, and what the English and
/// French messages must say.
type Broken = (&'static str, Vec<u8>, ErrorCode, &'static [&'static str], &'static [&'static str]);

#[test]
fn broken_copies_of_the_file_are_refused_whole_with_the_rule_and_field_named() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let cases: Vec<Broken> = vec![
        (
            "disposition X",
            in_rule(
                BANQ,
                "0150",
                "<ID_REF_DISPOSITION>D</ID_REF_DISPOSITION>",
                "<ID_REF_DISPOSITION>X</ID_REF_DISPOSITION>",
            )
            .into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0150, copy 2", "ID_REF_DISPOSITION", "“X”", "C (keep or transfer), D (destroy) or T (sort)"],
            &["règle 0150, exemplaire 2", "ID_REF_DISPOSITION", "« X »"],
        ),
        (
            "a series description longer than a cell of an XLSX sheet holds",
            BANQ.replacen("<DESCSERIE>", &format!("<DESCSERIE>{}", "d".repeat(32_768)), 1).into_bytes(),
            ErrorCode::TextTooLong,
            &["DESCSERIE (series description) has 32", "at most 32767"],
            &["DESCSERIE (description de la série) compte 32", "au plus 32767"],
        ),
        (
            "a period that is not a number",
            in_rule(BANQ, "0100", "<PERIOACTIF>2</PERIOACTIF>", "<PERIOACTIF>abc</PERIOACTIF>").into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0100, copy 1", "PERIOACTIF", "“abc”", "888", "999"],
            &["règle 0100, exemplaire 1", "PERIOACTIF", "« abc »"],
        ),
        (
            "a duplicate NUMREGLE",
            BANQ.replace("<NUMREGLE>0003</NUMREGLE>", "<NUMREGLE>0002</NUMREGLE>").into_bytes(),
            ErrorCode::ScheduleDuplicateRule,
            &["two rules numbered 0002", "ROW 1 and ROW 2", "NUMREGLE"],
            &["deux règles numérotées 0002"],
        ),
        (
            "an unclosed tag",
            in_rule(BANQ, "0010", "</TITRESER>", "").into_bytes(),
            ErrorCode::ScheduleMalformed,
            &["rule 0010", "element TITRESER", "<TITRESER> is not closed", "line "],
            &["règle 0010", "<TITRESER> n'est pas fermé"],
        ),
        (
            "a mismatched end tag",
            in_rule(BANQ, "0010", "</TITRESER>", "</TITRE>").into_bytes(),
            ErrorCode::ScheduleMalformed,
            &["rule 0010", "<TITRESER> is not closed (found </TITRE>"],
            &["règle 0010"],
        ),
        (
            "a missing rule number",
            in_rule(BANQ, "0005", "<NUMREGLE>0005</NUMREGLE>", "<NUMREGLE/>").into_bytes(),
            ErrorCode::ScheduleMissingValue,
            &["ROW 4", "NUMREGLE", "missing"],
            &["ROW n° 4", "NUMREGLE"],
        ),
        (
            "an unknown copy type",
            in_rule(BANQ, "0007", "<TYPEDOSS>S</TYPEDOSS>", "<TYPEDOSS>Z</TYPEDOSS>").into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0007, copy 2", "TYPEDOSS", "P (principal) or S (secondary)"],
            &["exemplaire 2", "TYPEDOSS"],
        ),
        (
            "a flag that is not O or N",
            in_rule(BANQ, "0012", "<DOCUMCONFI>N</DOCUMCONFI>", "<DOCUMCONFI>peut-être</DOCUMCONFI>").into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0012", "DOCUMCONFI", "O (yes) or N (no)"],
            &["règle 0012", "DOCUMCONFI"],
        ),
        (
            "an invalid class code",
            in_rule(BANQ, "0013", "<CODECLASS>", "<CODECLASS>A 1; ").into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0013", "CODECLASS", "“A 1”", "such as 100-20 or A120"],
            &["règle 0013", "CODECLASS"],
        ),
        (
            "an empty CODECLASS",
            in_rule(BANQ, "0014", "<CODECLASS>B320</CODECLASS>", "<CODECLASS/>").into_bytes(),
            ErrorCode::ScheduleMissingValue,
            &["rule 0014", "CODECLASS", "missing or empty"],
            &["règle 0014", "absent ou vide"],
        ),
        (
            "an element the format does not have",
            in_rule(BANQ, "0006", "<GRILLECHAN>", "<COULEUR>bleu</COULEUR><GRILLECHAN>").into_bytes(),
            ErrorCode::ScheduleMalformed,
            &["rule 0006", "<COULEUR> is not an element of the exchange format"],
            &["règle 0006", "<COULEUR>"],
        ),
        (
            "a copy of another rule",
            in_rule(
                BANQ,
                "0008",
                "<NUMREGLE>0008</NUMREGLE>\n                <TYPEDOSS>",
                "<NUMREGLE>0009</NUMREGLE><TYPEDOSS>",
            )
            .into_bytes(),
            ErrorCode::ScheduleInvalidValue,
            &["rule 0008, copy 1", "NUMREGLE", "“0009”", "repeat the rule's own NUMREGLE"],
            &["règle 0008, exemplaire 1"],
        ),
        (
            "a rule without copies",
            {
                let start = BANQ.find("<NUMREGLE>0011</NUMREGLE>").expect("0011");
                let open = start + BANQ[start..].find("<DELAI>").expect("DELAI");
                let close = start + BANQ[start..].find("</DELAI>").expect("/DELAI") + "</DELAI>".len();
                format!("{}<DELAI/>{}", &BANQ[..open], &BANQ[close..]).into_bytes()
            },
            ErrorCode::ScheduleMissingValue,
            &["rule 0011", "DELAI_ROW", "at least one copy"],
            &["règle 0011", "au moins un exemplaire"],
        ),
        (
            "text that is not UTF-8",
            {
                // "Mission été" as Latin-1 would write it.
                let mut bytes = BANQ.replacen("Mission et mandat", "Mission XtX", 1).into_bytes();
                let at = bytes.windows(3).position(|w| w == b"XtX").expect("marker");
                bytes[at] = 0xe9;
                bytes[at + 2] = 0xe9;
                bytes
            },
            ErrorCode::ScheduleMalformed,
            &["not UTF-8", "line 8"],
            &["UTF-8"],
        ),
        (
            "another XML document",
            b"<?xml version=\"1.0\"?><html><body/></html>".to_vec(),
            ErrorCode::ScheduleMalformed,
            &["root element is <html>"],
            &["<html>"],
        ),
        (
            "not XML at all",
            b"NUMREGLE;TITRESER\n0002;Mission".to_vec(),
            ErrorCode::ScheduleMalformed,
            &["no XML element"],
            &["aucun élément"],
        ),
        ("no rule", b"<ROWSET>\n</ROWSET>".to_vec(), ErrorCode::ScheduleEmpty, &["holds no rule"], &["aucune règle"]),
    ];
    for (what, bytes, code, english, french) in cases {
        let error = vault.import_schedule_xml(&admin, &bytes).expect_err(what);
        assert_eq!(error.code(), code, "{what}: {error}");
        let (en, fr) = (error.message(Lang::En), error.message(Lang::Fr));
        for needle in english {
            assert!(en.contains(needle), "{what}: {needle:?} missing from {en}");
        }
        for needle in french {
            assert!(fr.contains(needle), "{what}: {needle:?} missing from {fr}");
        }
        assert!(en.contains("Nothing was") || en.contains("nothing was"), "{what}: says nothing was written: {en}");
        assert_eq!(plan_rows(&fixture, &vault), [0; 5], "{what}: nothing may be half-imported");
    }
    assert!(!audit_actions(&vault, &admin).contains(&"plan.import".to_owned()), "a refused import is not an import");
    // The intact file still imports into the same vault.
    assert_eq!(import_banq(&mut vault, &admin).created, 192);
}

#[test]
fn revising_a_rule_adds_a_version_and_keeps_the_first() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    import_banq(&mut vault, &admin);
    let original = rule(&vault, &admin, "0002");
    let mut content = original.versions[0].content.clone();
    content.copies[0].semi_active = Period::Years(7);
    content.trigger = TriggerEvent::ContractEnded;
    let effective = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
    let revision = |content: &greffier_core::RuleContent, date: NaiveDate| RuleRevision {
        effective_date: date,
        note: "Directive 2027-03".into(),
        content: content.clone(),
    };
    let version = vault.revise_rule(&admin, "0002", revision(&content, effective)).expect("revise");
    assert_eq!(version, 2);

    let revised = rule(&vault, &admin, "0002");
    assert_eq!(revised.versions.len(), 2);
    assert_eq!(revised.versions[0], original.versions[0], "the first version is kept exactly as it was");
    let v2 = &revised.versions[1];
    assert_eq!(
        (v2.version, v2.effective_date, v2.author.as_str(), v2.origin.as_str()),
        (2, effective, ADMIN, "revision")
    );
    assert_eq!(v2.note, "Directive 2027-03");
    assert_eq!(v2.content, content);
    let day_before = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    assert_eq!(revised.in_force_on(day_before).map(|v| v.version), Some(1));
    assert_eq!(revised.in_force_on(effective).map(|v| v.version), Some(2));

    let event = vault
        .recent_audit(&admin, 5)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "plan.rule_revise")
        .expect("the revision is audited");
    assert_eq!(event.object_id, "0002");
    let details = event.details.expect("details");
    assert_eq!(details["before"]["copies"][0]["semiActive"], serde_json::json!({"unit": "years", "count": 5}));
    assert_eq!(details["after"]["copies"][0]["semiActive"], serde_json::json!({"unit": "years", "count": 7}));
    assert_eq!(details["after"]["trigger"]["event"], "contract_ended");
    assert_eq!(details["version"], 2);

    // Refusals, each with its own code, and no version added.
    let check = |result: Result<u32, greffier_core::Error>, code: ErrorCode, needle: &str| {
        let error = result.expect_err(needle);
        assert_eq!(error.code(), code, "{error}");
        assert!(error.message(Lang::En).contains(needle), "{needle:?} missing from {error}");
        assert!(!error.message(Lang::Fr).is_empty());
    };
    check(
        vault.revise_rule(&admin, "0002", revision(&content, effective)),
        ErrorCode::RuleUnchanged,
        "changes nothing",
    );
    let mut other = content.clone();
    other.copies[1].disposition = Disposition::Sort;
    check(
        vault.revise_rule(&admin, "0002", revision(&other, day_before)),
        ErrorCode::EffectiveDateTooEarly,
        "before its current version 2 (2027-01-01)",
    );
    let mut unknown_class = other.clone();
    unknown_class.classes = vec!["Z999".into()];
    check(vault.revise_rule(&admin, "0002", revision(&unknown_class, effective)), ErrorCode::UnknownClass, "Z999");
    let mut long_remark = other.clone();
    long_remark.copies[1].disposition_remark = Some("r".repeat(32_768));
    check(
        vault.revise_rule(&admin, "0002", revision(&long_remark, effective)),
        ErrorCode::TextTooLong,
        "rule 0002, copy 2: REM_DISPOINACT (",
    );
    let mut bad_period = other.clone();
    bad_period.copies[0].active = Period::Years(888);
    check(
        vault.revise_rule(&admin, "0002", revision(&bad_period, effective)),
        ErrorCode::ScheduleInvalidValue,
        "rule 0002, copy 1: PERIOACTIF",
    );
    let mut no_copies = other.clone();
    no_copies.copies.clear();
    check(
        vault.revise_rule(&admin, "0002", revision(&no_copies, effective)),
        ErrorCode::ScheduleMissingValue,
        "DELAI_ROW",
    );
    check(vault.revise_rule(&admin, "9999", revision(&other, effective)), ErrorCode::UnknownRule, "no rule 9999");
    assert_eq!(rule(&vault, &admin, "0002").versions.len(), 2);

    // The export carries the trigger; importing the original file again gives 0002 a third
    // version (its semi-active period differs from the file's) but keeps the trigger, which the
    // exchange format does not carry, and leaves the other rules alone.
    let exported = String::from_utf8(vault.export_schedule_xml(&admin).expect("export")).expect("utf-8");
    assert!(exported.contains("<GREFFIER_DECLENCHEUR>contract_ended</GREFFIER_DECLENCHEUR>"));
    assert_eq!(exported.matches("GREFFIER_DECLENCHEUR>").count(), 2, "only where a rule needs it");
    let report = import_banq(&mut vault, &admin);
    assert_eq!((report.created, report.revised, report.unchanged, report.classes_created), (0, 1, 191, 0));
    let again = rule(&vault, &admin, "0002");
    assert_eq!(again.versions.len(), 3);
    assert_eq!(again.versions[2].content.copies[0].semi_active, Period::Years(5));
    assert_eq!(again.versions[2].content.trigger, TriggerEvent::ContractEnded);
    assert_eq!(again.versions[2].effective_date, effective, "never before the version it follows");
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn auditors_and_clerks_read_the_plan_but_cannot_change_it() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let auditor = add_user(&mut vault, &admin, "ana", Role::Auditor);
    let clerk = add_user(&mut vault, &admin, "paul", Role::Clerk);
    let archivist = add_user(&mut vault, &admin, "marie", Role::Archivist);

    let denied = |result: Result<ImportReport, greffier_core::Error>, who: &str| {
        let error = result.expect_err(who);
        assert_eq!(error.code(), ErrorCode::PermissionDenied, "{who}: {error}");
        assert!(error.message(Lang::En).contains("manage_plan"), "{error}");
    };
    denied(vault.import_schedule_xml(&auditor, BANQ.as_bytes()), "an auditor may not import");
    denied(vault.import_schedule_xml(&clerk, BANQ.as_bytes()), "a clerk may not import");
    assert_eq!(plan_rows(&fixture, &vault), [0; 5]);

    let report = vault.import_schedule_xml(&archivist, BANQ.as_bytes()).expect("an archivist imports");
    assert_eq!(report.created, 192);

    for (who, session) in [("auditor", &auditor), ("clerk", &clerk)] {
        assert_eq!(vault.list_classes(session).expect(who).len(), 192, "{who} reads the plan");
        assert_eq!(rule(&vault, session, "0002").number, "0002", "{who} reads a rule");
    }
    assert!(vault.export_schedule_xml(&auditor).is_ok(), "an auditor exports");

    let current = rule(&vault, &auditor, "0002").versions[0].content.clone();
    let mut changed = current.clone();
    changed.general_remarks = "Révisée".into();
    let revision = RuleRevision {
        effective_date: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
        note: String::new(),
        content: changed,
    };
    let error = vault.revise_rule(&auditor, "0002", revision.clone()).expect_err("an auditor may not revise");
    assert_eq!(error.code(), ErrorCode::PermissionDenied);
    let draft = ClassDraft { code: "Z100".into(), title_fr: "Essai".into(), ..ClassDraft::default() };
    let error = vault.add_class(&auditor, draft.clone()).expect_err("an auditor may not add a class");
    assert_eq!(error.code(), ErrorCode::PermissionDenied);
    assert_eq!(
        vault.set_class_active(&clerk, "A120", false).expect_err("nor a clerk retire one").code(),
        ErrorCode::PermissionDenied
    );
    assert_eq!(rule(&vault, &admin, "0002").versions.len(), 1, "no version added by a refusal");
    assert_eq!(vault.revise_rule(&archivist, "0002", revision).expect("an archivist revises"), 2);
    vault.add_class(&archivist, draft).expect("an archivist adds a class");

    let denials = audit_actions(&vault, &admin).iter().filter(|a| *a == "access.denied").count();
    assert_eq!(denials, 5, "every refusal is audited");
}

/// (element, trimmed text) of every element of each ROW, by rule number, in document order.
fn elements_by_rule(xml: &str) -> std::collections::BTreeMap<String, Vec<(String, String)>> {
    use quick_xml::{events::Event, Reader};
    let mut reader = Reader::from_str(xml);
    let mut rows = std::collections::BTreeMap::new();
    let mut current: Vec<(String, String)> = Vec::new();
    let mut depth = 0;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) => {
                depth += 1;
                let name = e.name().0.to_owned();
                if name == "ROW" {
                    current.clear();
                } else if depth > 2 && name != "DELAI" && name != "DELAI_ROW" {
                    current.push((name, String::new()));
                }
            }
            Event::Empty(e) => current.push((e.name().0.to_owned(), String::new())),
            Event::Text(t) => {
                if let Some(last) = current.last_mut() {
                    last.1.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.xml10_content().as_ref() {
                    "amp" => "&".to_owned(),
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    other => format!("&{other};"),
                };
                if let Some(last) = current.last_mut() {
                    last.1.push_str(&resolved);
                }
            }
            Event::End(e) => {
                depth -= 1;
                if e.name().0 == "ROW" {
                    let number = current.iter().find(|(n, _)| n == "NUMREGLE").map(|(_, v)| v.trim().to_owned());
                    let trimmed = current.iter().map(|(n, v)| (n.clone(), v.trim().to_owned())).collect();
                    rows.insert(number.expect("NUMREGLE"), trimmed);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    rows
}

#[test]
fn import_export_import_gives_identical_rules_and_every_field_of_the_original() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    import_banq(&mut vault, &admin);
    let exported = vault.export_schedule_xml(&admin).expect("export");
    let exported_text = String::from_utf8(exported.clone()).expect("UTF-8");
    assert!(exported_text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ROWSET>\n    <ROW>"));

    // Into another vault: the same rules, field for field.
    let other = Fixture::new();
    let (mut second, second_admin) = admin_vault(&other);
    let report = second.import_schedule_xml(&second_admin, &exported).expect("the export imports");
    assert_eq!((report.rules, report.copies, report.created), (192, 405, 192));
    let contents = |vault: &Vault, session: &Session| -> Vec<(String, greffier_core::RuleContent)> {
        vault
            .rules(session)
            .expect("rules")
            .into_iter()
            .map(|rule| (rule.number.clone(), rule.versions[0].content.clone()))
            .collect()
    };
    assert_eq!(contents(&second, &second_admin), contents(&vault, &admin), "import → export → import is lossless");

    // Into the same vault: nothing to change, even with a code spelt in another case.
    let report = vault.import_schedule_xml(&admin, &exported).expect("again");
    assert_eq!((report.unchanged, report.created, report.revised), (192, 0, 0));
    let lower = BANQ.replace("<CODECLASS>A120</CODECLASS>", "<CODECLASS>a120</CODECLASS>");
    let report = vault.import_schedule_xml(&admin, lower.as_bytes()).expect("lower case");
    assert_eq!((report.unchanged, report.classes_created), (192, 0), "a120 is the class A120");

    // The exported XML carries every element of the original, in the same order, with the same
    // text (save the whitespace at either end), for every rule.
    let original = elements_by_rule(BANQ);
    let written = elements_by_rule(&exported_text);
    assert_eq!(original.len(), 192);
    for (number, elements) in &original {
        assert_eq!(written.get(number), Some(elements), "rule {number} differs in the export");
    }
    assert_eq!(original["0035"].iter().filter(|(n, _)| n.starts_with("REM_")).count(), 5);
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
    assert!(audit_actions(&vault, &admin).contains(&"plan.export".to_owned()), "exports are audited");
}

#[test]
fn classes_form_a_tree_whose_codes_continue_their_parents() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let draft = |code: &str, parent: Option<&str>, title: &str| ClassDraft {
        code: code.into(),
        parent: parent.map(str::to_owned),
        title_fr: title.into(),
        title_en: format!("{title} (en)"),
        ..ClassDraft::default()
    };
    for (code, parent, title) in [
        ("100", None, "Administration"),
        ("100-20", Some("100"), "Comités"),
        ("100-3", Some("100"), "Conseil"),
        ("100-20-05", Some("100-20"), "Procès-verbaux"),
        ("A100", None, "Gestion"),
        ("A120", Some("A100"), "Mission"),
    ] {
        vault.add_class(&admin, draft(code, parent, title)).unwrap_or_else(|e| panic!("{code}: {e}"));
    }
    let refused = |result: Result<greffier_core::PlanClass, greffier_core::Error>, code: ErrorCode, needle: &str| {
        let error = result.expect_err(needle);
        assert_eq!(error.code(), code, "{error}");
        assert!(error.message(Lang::En).contains(needle), "{needle:?} missing from {error}");
        assert!(!error.message(Lang::Fr).is_empty());
    };
    refused(
        vault.add_class(&admin, draft("100-30", Some("100-20"), "x")),
        ErrorCode::ClassCodeInconsistent,
        "100-30 does not continue its parent's code 100-20",
    );
    refused(vault.add_class(&admin, draft("A130", Some("A120"), "x")), ErrorCode::ClassCodeInconsistent, "A130");
    refused(vault.add_class(&admin, draft("a120", None, "x")), ErrorCode::ClassCodeTaken, "a120");
    refused(vault.add_class(&admin, draft("200 10", None, "x")), ErrorCode::ClassCodeInvalid, "200 10");
    refused(vault.add_class(&admin, draft("200", Some("999"), "x")), ErrorCode::UnknownClass, "999");
    refused(vault.add_class(&admin, draft("200", None, " ")), ErrorCode::ClassTitleMissing, "200");
    // A text longer than a cell of an XLSX sheet holds (the plan would no longer export).
    refused(
        vault.add_class(&admin, draft("200", None, &"é".repeat(32_768))),
        ErrorCode::TextTooLong,
        "A text of the class 200 has 32768 characters, and holds at most 32767",
    );

    let tree: Vec<(String, u32)> =
        vault.list_classes(&admin).expect("list").into_iter().map(|c| (c.code, c.depth)).collect();
    let expected = [("100", 0), ("100-3", 1), ("100-20", 1), ("100-20-05", 2), ("A100", 0), ("A120", 1)];
    assert_eq!(tree, expected.map(|(c, d)| (c.to_owned(), d)), "tree order, siblings by code as people read them");

    // Editing: titles freely; a code only if it still continues the parent and its children
    // still continue it.
    let mut edit = draft("100-20", Some("100"), "Comités et groupes de travail");
    edit.scope_note_fr = "Comités permanents et ad hoc.".into();
    let edited = vault.edit_class(&admin, "100-20", edit).expect("edit titles");
    assert_eq!(
        (edited.title_fr.as_str(), edited.scope_note_fr.as_str()),
        ("Comités et groupes de travail", "Comités permanents et ad hoc.")
    );
    refused(
        vault.edit_class(&admin, "100-20", draft("100-25", Some("100"), "x")),
        ErrorCode::ClassCodeInconsistent,
        "subclass 100-20-05",
    );
    let event = vault.recent_audit(&admin, 5).expect("audit").into_iter().find(|e| e.action == "plan.class_update");
    let details = event.and_then(|e| e.details).expect("the edit is audited");
    assert_eq!(details["before"]["titleFr"], "Comités");
    assert_eq!(details["after"]["titleFr"], "Comités et groupes de travail");

    // Retiring: never a deletion; not while a subclass is active; no new subclass under it.
    refused(vault.set_class_active(&admin, "100-20", false), ErrorCode::ClassHasActiveChildren, "100-20-05");
    vault.set_class_active(&admin, "100-20-05", false).expect("retire the leaf");
    let parent = vault.set_class_active(&admin, "100-20", false).expect("then its parent");
    assert!(!parent.active);
    refused(vault.add_class(&admin, draft("100-20-10", Some("100-20"), "x")), ErrorCode::ClassParentRetired, "100-20");
    assert_eq!(vault.list_classes(&admin).expect("list").len(), 6, "retired classes stay in the plan");
    vault.set_class_active(&admin, "100-20", true).expect("reactivate");
    let raw = fixture.raw(vault.vault_id());
    assert!(raw.execute("DELETE FROM plan_classes WHERE code = '100-3'", []).is_err(), "classes are never deleted");
    drop(raw);
    let actions = audit_actions(&vault, &admin);
    for action in ["plan.class_create", "plan.class_update", "plan.class_retire", "plan.class_reactivate"] {
        assert!(actions.iter().any(|a| a == action), "{action} is audited");
    }
}

#[test]
fn a_vault_made_before_the_plan_gets_its_tables_when_opened() {
    let fixture = Fixture::new();
    let vault = fixture.create();
    let id = vault.vault_id().to_owned();
    vault.lock();
    {
        // Take the vault back to the foundation's schema, as a vault made by the first release.
        let raw = fixture.raw(&id);
        raw.execute_batch(
            "DELETE FROM schema_migrations WHERE version = 8;
             DELETE FROM schema_migrations WHERE version = 7;
             DROP TABLE anonymised_files; DELETE FROM schema_migrations WHERE version = 6;
             DROP TABLE register_deletions; DROP TABLE destroyed_files; DROP TABLE batch_files;
             DROP TABLE disposition_batches; DROP TABLE holds; DELETE FROM schema_migrations WHERE version = 5;
             DROP TABLE file_person_purposes; DROP TABLE file_persons; DROP TABLE person_identifiers;
             DROP TABLE persons; DROP TABLE files; DROP TABLE register_state;
             DELETE FROM schema_migrations WHERE version = 4;
             DROP TABLE project_overrides; DROP TABLE projects; DELETE FROM schema_migrations WHERE version = 3;
             DROP TABLE retention_version_classes; DROP TABLE retention_copies; DROP TABLE retention_rule_versions;
             DROP TABLE retention_rules; DROP TABLE plan_classes; DELETE FROM schema_migrations WHERE version = 2;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .expect("downgrade");
    }
    let mut vault = Vault::open(&fixture.vault_dir(), Unlock::KeyStore, &fixture.env).expect("open");
    assert_eq!(
        vault.info().expect("info").schema_version,
        8,
        "the plan's, the projects', the register's, the disposition's, the anonymisation's, the value \
         lists' and the due index's migrations ran"
    );
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("sign in");
    assert_eq!(import_banq(&mut vault, &admin).created, 192);
}

#[test]
fn months_and_triggers_travel_through_greffier_s_own_elements() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    import_banq(&mut vault, &admin);
    let mut content = rule(&vault, &admin, "0003").versions[0].content.clone();
    content.copies[0].semi_active = Period::Months(18);
    content.trigger = TriggerEvent::FixedDate { date: NaiveDate::from_ymd_opt(2030, 6, 30).expect("date") };
    let revision = RuleRevision {
        effective_date: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
        note: String::new(),
        content: content.clone(),
    };
    vault.revise_rule(&admin, "0003", revision).expect("revise");
    let exported = vault.export_schedule_xml(&admin).expect("export");
    let text = String::from_utf8(exported.clone()).expect("UTF-8");
    assert!(
        text.contains(
            "<PERIOSMACT>2</PERIOSMACT>\n                <GREFFIER_PERIOSMACT_MOIS>18</GREFFIER_PERIOSMACT_MOIS>"
        ),
        "18 months: 2 years for other tools, the months for Greffier"
    );
    assert!(text.contains("<GREFFIER_DECLENCHEUR>fixed_date:2030-06-30</GREFFIER_DECLENCHEUR>"));

    let other = Fixture::new();
    let (mut second, second_admin) = admin_vault(&other);
    second.import_schedule_xml(&second_admin, &exported).expect("import");
    assert_eq!(rule(&second, &second_admin, "0003").versions[0].content, content);

    let bad = text.replace("fixed_date:2030-06-30", "someday");
    let error = second.import_schedule_xml(&second_admin, bad.as_bytes()).expect_err("an unknown trigger");
    assert_eq!(error.code(), ErrorCode::ScheduleInvalidValue);
    assert!(error.message(Lang::En).contains("rule 0003: GREFFIER_DECLENCHEUR"), "{error}");
}

// ----- moving a branch -----

const BRANCHES: &str = "\
Type;Code;Parent;Titre FR;Règle;Classes;Titre de la série;Déclencheur;Exemplaire;Période active;Période semi-active;Disposition
classe;100;;Administration;;;;;;;;
classe;100-20;100;Comités;;;;;;;;
classe;100-20-05;100-20;Procès-verbaux;;;;;;;;
classe;200;;Finances;;;;;;;;
classe;200-10;200;Budget;;;;;;;;
classe;200-60-05;200;Placements;;;;;;;;
classe;400;;Archives anciennes;;;;;;;;
règle;;;;1020;100-20;Comités;;P;2;3;D
règle;;;;1025;100-20-05;Procès-verbaux;;P;5;0;C
règle;;;;2010;200-10;Budget;;P;1;1;D
";

/// A vault with the plan above, files in it (three in the branch 100-20, one in 200-10) and a
/// hold on the class 100-20.
fn vault_with_branches(fixture: &Fixture) -> (Vault, Session) {
    let (mut vault, admin) = admin_vault(fixture);
    vault.import_plan(&admin, greffier_core::PlanFormat::Csv, BRANCHES.as_bytes()).expect("plan");
    for (reference, class, title) in [
        ("F-1", "100-20", "Comité de toponymie"),
        ("F-2", "100-20-05", "Procès-verbaux du comité exécutif"),
        ("F-3", "100-20-05", "Procès-verbaux du comité de sécurité"),
        ("F-4", "200-10", "Budget 2020"),
    ] {
        let draft = greffier_core::FileDraft {
            reference: reference.into(),
            class: class.into(),
            title: title.into(),
            dates: greffier_core::FileDates {
                opened_on: NaiveDate::from_ymd_opt(2019, 3, 1),
                closed_on: NaiveDate::from_ymd_opt(2020, 1, 31),
                ..Default::default()
            },
            ..Default::default()
        };
        vault.create_file(&admin, draft).unwrap_or_else(|e| panic!("{reference}: {e}"));
    }
    vault
        .place_hold(
            &admin,
            greffier_core::HoldTarget::Class("100-20".into()),
            greffier_core::HoldKind::Litigation,
            "Poursuite 2026-77",
            None,
        )
        .expect("hold");
    (vault, admin)
}

fn found(vault: &Vault, session: &Session, query: &str) -> Vec<String> {
    let filter = greffier_core::FileFilter { query: query.into(), ..Default::default() };
    let mut refs: Vec<String> = vault
        .search_files(session, &filter, 0, 50, false)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .hits
        .into_iter()
        .map(|h| h.row.reference)
        .collect();
    refs.sort();
    refs
}

/// Each class as (id, code, parent), in tree order.
fn plan_shape(vault: &Vault, session: &Session) -> Vec<(i64, String, Option<String>)> {
    vault.list_classes(session).expect("list").into_iter().map(|c| (c.id.0, c.code, c.parent)).collect()
}

#[test]
fn a_branch_moves_with_its_files_their_dates_their_search_and_their_holds() {
    let fixture = Fixture::new();
    let (mut vault, admin) = vault_with_branches(&fixture);
    let before = plan_shape(&vault, &admin);
    let id_of = |code: &str| before.iter().find(|(_, c, _)| c == code).map(|(id, _, _)| *id).expect("class");
    let files_before: Vec<greffier_core::FileRecord> =
        ["F-1", "F-2", "F-3"].iter().map(|r| vault.file(&admin, r).expect("file")).collect();
    assert_eq!(found(&vault, &admin, "class:100-20"), ["F-1", "F-2", "F-3"]);

    let report = vault.move_class(&admin, "100-20", Some("200"), "200-40").expect("the branch moves");
    let pairs: Vec<(&str, &str)> = report.classes.iter().map(|c| (c.from.as_str(), c.to.as_str())).collect();
    assert_eq!(pairs, [("100-20", "200-40"), ("100-20-05", "200-40-05")], "the class, then its subclass");
    assert_eq!(report.files, 3, "the files filed in the branch");
    assert_eq!(
        serde_json::to_value(&report).expect("json"),
        serde_json::json!({"classes": [{"from": "100-20", "to": "200-40"}, {"from": "100-20-05", "to": "200-40-05"}], "files": 3}),
        "the desktop's shape"
    );

    let after = plan_shape(&vault, &admin);
    assert!(after.contains(&(id_of("100-20"), "200-40".into(), Some("200".into()))), "same id, new code and parent");
    assert!(after.contains(&(id_of("100-20-05"), "200-40-05".into(), Some("200-40".into()))));
    assert_eq!(after.len(), before.len());
    assert_eq!(vault.class(&admin, "200-40-05").expect("class").rules, ["1025"], "rules follow the class by id");
    for old in &files_before {
        let now = vault.file(&admin, &old.reference).expect("file");
        assert_eq!(now.class, old.class.replacen("100-20", "200-40", 1), "{}: the file keeps its class", old.reference);
        assert_eq!((&now.rule, now.rule_version, &now.due), (&old.rule, old.rule_version, &old.due), "and its dates");
    }

    assert_eq!(found(&vault, &admin, "class:200-40"), ["F-1", "F-2", "F-3"], "found under the new code");
    assert_eq!(found(&vault, &admin, "class:200-40-05"), ["F-2", "F-3"]);
    assert_eq!(found(&vault, &admin, "class:200"), ["F-1", "F-2", "F-3", "F-4"], "and under the new ancestor");
    assert!(found(&vault, &admin, "class:100-20").is_empty(), "not under the old code");
    assert!(found(&vault, &admin, "class:100").is_empty(), "nor under the old ancestor");
    assert!(vault.check_index(&admin).expect("check").is_consistent());

    let hold = vault.holds(&admin, false).expect("holds").into_iter().next().expect("the hold");
    assert_eq!(hold.target, "200-40", "the hold on the class shows its new code");
    assert_eq!(vault.holds_on_file(&admin, "F-2").expect("holds").len(), 1, "and still holds its files");

    let event = vault
        .recent_audit(&admin, 10)
        .expect("audit")
        .into_iter()
        .find(|e| e.action == "plan.class_move")
        .expect("the move is audited");
    assert_eq!((event.action.as_str(), event.object_id), ("plan.class_move", id_of("100-20").to_string()));
    let details = event.details.expect("details");
    assert_eq!(details["classes"][1], serde_json::json!({"from": "100-20-05", "to": "200-40-05"}));
    assert_eq!(
        (details["files"].clone(), details["holds"][0].clone()),
        (serde_json::json!(3), serde_json::json!(hold.number))
    );
    assert!(vault.verify_audit(&admin).expect("verify").is_intact(), "the chain verifies with the move in it");

    // The moved branch moves again, to the top of the plan, and back in case only.
    let report = vault.move_class(&admin, "200-40", None, "B40").expect("to the top");
    assert_eq!(report.classes[1].to, "B40-05");
    assert_eq!(found(&vault, &admin, "class:b40"), ["F-1", "F-2", "F-3"]);
    assert_eq!(vault.move_class(&admin, "B40", None, "b40").expect("a change of case").classes[1].to, "b40-05");
}

#[test]
fn a_move_that_cannot_be_made_is_refused_and_changes_nothing() {
    let fixture = Fixture::new();
    let (mut vault, admin) = vault_with_branches(&fixture);
    vault.set_class_active(&admin, "400", false).expect("retire 400");
    let auditor = add_user(&mut vault, &admin, "ana", Role::Auditor);
    let shape = plan_shape(&vault, &admin);
    let long = format!("200-{}", "4".repeat(27));
    let cases: [(&str, Option<&str>, &str, ErrorCode, &str); 10] = [
        ("999", Some("200"), "200-40", ErrorCode::UnknownClass, "999"),
        ("100-20", Some("999"), "999-40", ErrorCode::UnknownClass, "999"),
        ("100-20", Some("200"), "200 40", ErrorCode::ClassCodeInvalid, "200 40"),
        (
            "100-20",
            Some("200"),
            "300-40",
            ErrorCode::ClassCodeInconsistent,
            "300-40 does not continue its parent's code 200",
        ),
        ("100-20", Some("200"), "200-10", ErrorCode::ClassCodeTaken, "the code 200-10, which the class 200-10"),
        (
            "100-20",
            Some("200"),
            "200-60",
            ErrorCode::ClassCodeTaken,
            "the class 100-20-05 the code 200-60-05, which the class 200-60-05",
        ),
        ("100-20", Some("100-20-05"), "100-20-05-01", ErrorCode::ClassMoveIntoOwnBranch, "cannot move under 100-20-05"),
        ("100-20", Some("400"), "400-20", ErrorCode::ClassParentRetired, "400 is retired"),
        ("100-20", Some("100"), "100-20", ErrorCode::ClassMoveUnchanged, "changes nothing"),
        ("100-20", Some("200"), &long, ErrorCode::ClassCodeInconsistent, "subclass 100-20-05"),
    ];
    for (code, parent, new_code, error_code, needle) in cases {
        let files = snapshot(&fixture.vault_dir());
        let error = vault.move_class(&admin, code, parent, new_code).expect_err(needle);
        assert_eq!(error.code(), error_code, "{code} → {new_code}: {error}");
        assert!(error.message(Lang::En).contains(needle), "{needle:?} missing from {error}");
        assert!(!error.message(Lang::Fr).is_empty() && error.message(Lang::Fr) != error.message(Lang::En));
        assert_eq!(snapshot(&fixture.vault_dir()), files, "{code} → {new_code}: no file of the vault changed");
    }
    let itself = vault.move_class(&admin, "100-20", Some("100-20"), "100-20-99").expect_err("under itself");
    assert_eq!(itself.code(), ErrorCode::ClassMoveIntoOwnBranch);
    let denied = vault.move_class(&auditor, "100-20", Some("200"), "200-40").expect_err("an auditor");
    assert_eq!(denied.code(), ErrorCode::PermissionDenied);
    assert_eq!(plan_shape(&vault, &admin), shape, "the plan is as it was");
    assert_eq!(found(&vault, &admin, "class:100-20"), ["F-1", "F-2", "F-3"]);
    assert!(!audit_actions(&vault, &admin).contains(&"plan.class_move".to_owned()));
}

#[test]
fn a_class_edited_to_a_new_code_is_found_under_it() {
    let fixture = Fixture::new();
    let (mut vault, admin) = vault_with_branches(&fixture);
    let mut draft = ClassDraft {
        code: "100-25".into(),
        parent: Some("100".into()),
        title_fr: "Comités".into(),
        ..ClassDraft::default()
    };
    // 100-20 has a subclass, so only its leaf can take a new code through an edit.
    assert_eq!(
        vault.edit_class(&admin, "100-20", draft.clone()).expect_err("subclass").code(),
        ErrorCode::ClassCodeInconsistent
    );
    draft.code = "100-20-07".into();
    draft.parent = Some("100-20".into());
    draft.title_fr = "Procès-verbaux".into();
    vault.edit_class(&admin, "100-20-05", draft).expect("the leaf takes a new code");
    assert_eq!(found(&vault, &admin, "class:100-20-07"), ["F-2", "F-3"], "the index follows an edited code");
    assert!(found(&vault, &admin, "class:100-20-05").is_empty());
    assert!(vault.check_index(&admin).expect("check").is_consistent());
}
