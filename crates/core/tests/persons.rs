//! Persons one at a time: attached to a file (new or already in the register), edited, detached;
//! the index follows, identifiers stay masked and out of the audit trail, a birth date moves the
//! due dates of the files whose rule counts from birth, a person no file needs is erased, and
//! every refusal leaves the vault as it was.

mod common;

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    persons::{NewPerson, PersonEdit, PersonLink, PersonRef},
    BatchKind, Consent, ErrorCode, FileDates, FileDraft, FileFilter, HoldKind, HoldTarget, Identifier, IdentifierKind,
    Lang, NewUser, Purpose, Role, Secret, Session, UserMessage, Vault, LINE_MAX,
};

/// Class 600-20-10, rule 6040 of the sample plan: 18 years from the person's birth, then 10.
const FROM_BIRTH: &str = "600-20-10";
const SIN: &str = "046 454 286";
const RAMQ: &str = "TREE10550112";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn setup(fixture: &Fixture) -> (Vault, Session) {
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    vault.import_sample_plan(&admin).expect("sample plan");
    for (reference, class, title) in [
        ("E-1", FROM_BIRTH, "Expertise pédiatrique"),
        ("E-2", FROM_BIRTH, "Expertise de suivi"),
        ("A-1", "100-20-05", "Politique"),
    ] {
        let draft = FileDraft {
            reference: reference.into(),
            class: class.into(),
            title: title.into(),
            dates: FileDates { opened_on: Some(date("2020-01-06")), ..Default::default() },
            ..Default::default()
        };
        vault.create_file(&admin, draft).expect("file");
    }
    (vault, admin)
}

fn user(vault: &mut Vault, admin: &Session, name: &str, role: Role) -> Session {
    let password = format!("{name} password 1");
    vault
        .add_user(
            admin,
            NewUser { username: name.into(), display_name: name.into(), role, password: Secret::new(password.clone()) },
        )
        .expect("user");
    vault.sign_in(name, &Secret::new(password)).expect("signs in")
}

fn tremblay() -> PersonLink {
    PersonLink {
        person: PersonRef::New(NewPerson {
            last_name: " Tremblay ".into(),
            first_name: "Émilie".into(),
            birth_date: Some(date("2010-05-01")),
            external_key: Some("DOS-4411".into()),
            identifiers: vec![
                Identifier { kind: IdentifierKind::Sin, value: SIN.into() },
                Identifier { kind: IdentifierKind::HealthInsurance, value: RAMQ.into() },
            ],
        }),
        categories: vec!["santé".into(), "date_de_naissance".into(), "health".into()],
        purposes: vec![Purpose {
            purpose: "Expertise demandée par le tribunal".into(),
            consent: Consent::Given,
            consent_date: Some(date("2020-01-06")),
            consent_source: "formulaire F-12".into(),
        }],
    }
}

fn existing(id: i64) -> PersonLink {
    PersonLink { person: PersonRef::Existing(id), categories: vec![], purposes: vec![] }
}

fn references(vault: &Vault, session: &Session, query: &str) -> Vec<String> {
    let filter = FileFilter { query: query.into(), ..Default::default() };
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

/// A file's final disposition date as stored (what the due list reads), not as computed.
fn stored_due(fixture: &Fixture, vault: &Vault, reference: &str) -> Option<String> {
    fixture
        .raw(vault.vault_id())
        .query_row("SELECT semi_active_until FROM files WHERE reference = ?1", [reference], |row| row.get(0))
        .expect("stored due date")
}

fn count(fixture: &Fixture, vault: &Vault, sql: &str) -> i64 {
    fixture.raw(vault.vault_id()).query_row(sql, [], |row| row.get(0)).expect(sql)
}

/// Every identifier value, spaced or not, in every event's details.
fn assert_no_identifier_in_audit(vault: &Vault, admin: &Session) {
    let trail = serde_json::to_string(&vault.recent_audit(admin, 500).expect("audit")).expect("json");
    for form in [SIN, "046454286", "454 286", "454286", RAMQ, "TREE1055", "ZX-99 881", "ZX99881"] {
        assert!(!trail.contains(form), "the audit trail never copies identifiers: {form} in {trail}");
    }
}

#[test]
fn a_person_is_attached_edited_and_detached_and_the_index_and_due_dates_follow() {
    let fixture = Fixture::new();
    let (mut vault, admin) = setup(&fixture);
    assert_eq!(vault.file(&admin, "E-1").expect("file").due.semi_active_until, None, "no birth, no date yet");

    // A new person: the file shows them, the index finds the file by their name, the due
    // dates count from their birth (18 + 10 years), stored as well as shown.
    let record = vault.attach_person(&admin, "E-1", tremblay()).expect("attached");
    let [person] = record.persons.as_slice() else { panic!("one person: {:?}", record.persons) };
    let id = person.person_id;
    assert_eq!((person.last_name.as_str(), person.first_name.as_str()), ("Tremblay", "Émilie"), "names trimmed");
    assert_eq!(person.categories, ["health", "date_of_birth"], "French names read, each category once");
    assert_eq!(person.purposes.len(), 1);
    assert_eq!(person.purposes[0].consent, Consent::Given);
    assert_eq!(record.due.semi_active_until, Some(date("2038-05-01")), "{:?}", record.due);
    assert_eq!(stored_due(&fixture, &vault, "E-1").as_deref(), Some("2038-05-01"));
    assert_eq!(references(&vault, &admin, "tremblay"), ["E-1"]);
    assert_eq!(references(&vault, &admin, "personne:emilie"), ["E-1"], "the person field, accents folded");
    assert_eq!(references(&vault, &admin, "due:2038"), ["E-1"], "the due facet follows the stored date");
    let shown = vault.person(&admin, id).expect("person");
    assert_eq!(shown.key.as_deref(), Some("DOS-4411"));
    let masked: Vec<&str> = shown.identifiers.iter().map(|i| i.masked.as_str()).collect();
    assert_eq!(masked, ["••• ••• 286", "•••••••••112"], "identifiers shown masked");
    assert_eq!(vault.find_persons(&admin, "046454286", 10).expect("find").len(), 1, "found by identifier");

    // The same person on a second file.
    let second = vault.attach_person(&admin, "E-2", existing(id)).expect("attached again");
    assert_eq!(second.persons[0].person_id, id);
    assert_eq!(second.due.semi_active_until, Some(date("2038-05-01")));
    assert_eq!(references(&vault, &admin, "tremblay"), ["E-1", "E-2"]);
    assert_eq!(vault.person(&admin, id).expect("person").files.len(), 2);

    // A new birth date moves both files' dates, stored and indexed; new names and identifiers
    // replace the old ones in the index.
    let edit = PersonEdit {
        last_name: "Gagnon".into(),
        first_name: "Émilie".into(),
        birth_date: Some(date("2012-05-01")),
        external_key: Some("DOS-4411".into()),
        identifiers: Some(vec![Identifier { kind: IdentifierKind::Other, value: "ZX-99 881".into() }]),
    };
    let edited = vault.edit_person(&admin, id, edit).expect("edited");
    assert_eq!((edited.last_name.as_str(), edited.birth_date), ("Gagnon", Some(date("2012-05-01"))));
    assert_eq!(edited.identifiers.len(), 1, "the identifiers given replace the old ones");
    assert_eq!(edited.identifiers[0].masked, "••-•• 881");
    for reference in ["E-1", "E-2"] {
        assert_eq!(vault.file(&admin, reference).expect("file").due.semi_active_until, Some(date("2040-05-01")));
        assert_eq!(stored_due(&fixture, &vault, reference).as_deref(), Some("2040-05-01"), "{reference} stored");
    }
    assert_eq!(references(&vault, &admin, "due:2040"), ["E-1", "E-2"]);
    assert_eq!(references(&vault, &admin, "due:2038"), Vec::<String>::new());
    assert_eq!(references(&vault, &admin, "gagnon"), ["E-1", "E-2"]);
    assert_eq!(references(&vault, &admin, "tremblay"), Vec::<String>::new(), "the old name is gone");
    assert!(vault.find_persons(&admin, "046454286", 10).expect("find").is_empty(), "the old SIN is gone");
    assert_eq!(count(&fixture, &vault, "SELECT count(*) FROM person_identifiers WHERE value = '046 454 286'"), 0);
    // Without identifiers, an edit keeps them.
    let keep = PersonEdit {
        last_name: "Gagnon".into(),
        first_name: "Émilie".into(),
        birth_date: Some(date("2012-05-01")),
        external_key: None,
        identifiers: None,
    };
    let kept = vault.edit_person(&admin, id, keep).expect("edited");
    assert_eq!((kept.identifiers.len(), kept.key), (1, None));

    // Detached from one file: still needed by the other, so kept.
    let detached = vault.detach_person(&admin, "E-1", id, "Saisie sur le mauvais dossier").expect("detached");
    assert!(!detached.person_erased, "E-2 still needs the person");
    let detached = detached.file;
    assert!(detached.persons.is_empty());
    assert_eq!(detached.due.semi_active_until, None, "no birth date any more: waiting again");
    assert_eq!(stored_due(&fixture, &vault, "E-1"), None);
    assert_eq!(references(&vault, &admin, "gagnon"), ["E-2"]);
    assert_eq!(vault.person(&admin, id).expect("kept").files.len(), 1);
    assert_eq!(count(&fixture, &vault, &format!("SELECT count(*) FROM person_identifiers WHERE person_id = {id}")), 1);

    // Detached from the last file: erased with their identifiers, found nowhere.
    let last = vault.detach_person(&admin, "E-2", id, "Personne sans lien avec le dossier").expect("detached");
    assert!(last.person_erased, "no file needs the person any more");
    for table in ["persons WHERE id", "person_identifiers WHERE person_id", "file_persons WHERE person_id"] {
        assert_eq!(count(&fixture, &vault, &format!("SELECT count(*) FROM {table} = {id}")), 0, "{table}");
    }
    assert_eq!(
        count(&fixture, &vault, &format!("SELECT count(*) FROM file_person_purposes WHERE person_id = {id}")),
        0
    );
    assert_eq!(
        vault.person(&admin, id).expect_err("erased").code(),
        ErrorCode::UnknownPerson,
        "the person is gone from the register"
    );
    assert!(vault.find_persons(&admin, "gagnon", 10).expect("find").is_empty());
    assert_eq!(references(&vault, &admin, "gagnon"), Vec::<String>::new());

    // Audited: what was done, never an identifier; the erased person's own events lost their
    // details (names included), and the chain still verifies.
    let trail = vault.recent_audit(&admin, 500).expect("audit");
    for action in ["person.create", "person.link", "person.edit", "person.unlink"] {
        assert!(trail.iter().any(|e| e.action == action), "{action} in the audit trail");
    }
    for event in trail.iter().filter(|e| e.object_type == "person" && e.object_id == id.to_string()) {
        assert!(event.details_erased && event.details.is_none(), "erased with the person: {event:?}");
    }
    let unlink = trail.iter().find(|e| e.action == "person.unlink").expect("unlink");
    assert!(unlink.details.as_ref().is_some_and(|d| d["reason"].is_string()), "{unlink:?}");
    assert_no_identifier_in_audit(&vault, &admin);
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
    assert!(vault.check_index(&admin).expect("check").is_consistent());
}

/// A change to try, which must be refused.
type Attempt<'a> = Box<dyn Fn(&mut Vault) -> Result<(), greffier_core::Error> + 'a>;

/// The register's persons, links, purposes and the files' stored dates and change numbers,
/// and the audit trail's length: what a refusal must leave as it was.
/// A query on files finds only files and a query on persons only persons, whatever its shape:
/// the index leaves out the filter on the kind when a query cannot match the other kind, so each
/// shape that could is checked (a person taken for a file would be counted in the total).
#[test]
fn queries_on_files_never_find_persons_and_queries_on_persons_never_find_files() {
    let fixture = Fixture::new();
    let (mut vault, admin) = setup(&fixture);
    vault.attach_person(&admin, "E-1", tremblay()).expect("attached");
    let total = |query: &str| {
        let filter = FileFilter { query: query.into(), ..Default::default() };
        vault.search_files(&admin, &filter, 0, 50, false).expect(query).total
    };
    for (query, files) in [
        ("tremblay", 1),
        ("Tremblay Émilie", 1),
        ("personne:tremblay", 1),
        ("\"Tremblay Émilie\"", 1),
        ("\"Émilie Tremblay\"", 0),
        ("trem*", 1),
        ("personne:trem*", 1),
        ("tremblay OR politique", 2),
        ("expertise", 2),
        ("+expertise -tremblay", 1),
        ("-trem*", 2),
        ("*", 3),
        ("", 3),
        ("-personne:tremblay", 2),
        ("-tremblay", 2),
        ("expertise (-tremblay)", 1),
        ("classe:600-20-10", 2),
    ] {
        assert_eq!(total(query), files, "files found by {query:?}");
    }
    // The index's own fields (the persons' words, kinds, keys, ids, sort columns) are not for
    // queries: refused with a message naming the field, not run.
    for (query, field) in [
        ("who:tremblay", "who"),
        ("who:tremblay OR politique", "who"),
        ("kind:person OR kind:file", "kind"),
        ("... who:tremblay", "who"),
        ("key:f1", "key"),
        ("id:1", "id"),
        ("tremblay OR id:1", "id"),
        ("text:expertise", "text"),
        ("title_sort:a*", "title_sort"),
        ("inconnu:valeur", "inconnu"),
    ] {
        let refused =
            vault.search_files(&admin, &FileFilter { query: query.into(), ..Default::default() }, 0, 50, false);
        let error = refused.expect_err(query);
        assert_eq!(error.code(), ErrorCode::SearchQueryInvalid, "{query}");
        for lang in [Lang::En, Lang::Fr] {
            let message = error.localized(lang);
            assert!(
                message.contains(&format!("“{field}”")) || message.contains(&format!("« {field} »")),
                "{query}: {message}"
            );
            assert!(message.contains(if lang == Lang::En { "project" } else { "projet" }), "{message}");
        }
    }
    let persons = |query: &str| vault.find_persons(&admin, query, 10).expect(query).len();
    for (query, found) in [
        ("tremblay", 1),
        ("personne:tremblay", 1),
        ("person:trem*", 1),
        ("trem*", 1),
        ("046454286", 1),
        ("expertise", 0),
        ("expertise OR tremblay", 1),
        ("classe:600-20-10", 0),
        ("title:expertise", 0),
        ("who:tremblay", 1),
    ] {
        assert_eq!(persons(query), found, "persons found by {query:?}");
    }
    for query in ["kind:file", "key:p1 OR tremblay"] {
        assert!(vault.find_persons(&admin, query, 10).is_err(), "{query}: the index's own fields are refused");
    }
}

fn state(fixture: &Fixture, vault: &Vault) -> String {
    let raw = fixture.raw(vault.vault_id());
    let mut out = String::new();
    for sql in [
        "SELECT id, ifnull(external_key, ''), last_name, first_name, ifnull(birth_date, ''), change_seq, updated_at FROM persons",
        "SELECT person_id, kind, value FROM person_identifiers",
        "SELECT file_id, person_id, categories FROM file_persons",
        "SELECT file_id, person_id, purpose, consent FROM file_person_purposes",
        "SELECT id, change_seq, ifnull(active_until, ''), ifnull(semi_active_until, ''), updated_at FROM files",
        "SELECT 'seq', change_seq FROM register_state",
        "SELECT 'events', count(*) FROM audit_events",
    ] {
        let mut stmt = raw.prepare(&format!("{sql} ORDER BY 1, 2")).expect(sql);
        let count = stmt.column_count();
        let rows = stmt
            .query_map([], |row| {
                (0..count)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<Result<Vec<_>, _>>()
            })
            .expect(sql);
        for row in rows {
            out.push_str(&row.expect("row").join("|"));
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_refusal_says_why_and_changes_nothing() {
    let fixture = Fixture::new();
    let (mut vault, admin) = setup(&fixture);
    let archivist = user(&mut vault, &admin, "archiviste", Role::Archivist);
    let id = vault.attach_person(&admin, "E-1", tremblay()).expect("attached").persons[0].person_id;
    // A destroyed file: class 500-40-15 (rule 5120), 1 + 1 years from closing, then destroyed.
    let old = FileDraft {
        reference: "X-1".into(),
        class: "500-40-15".into(),
        title: "Ancien dossier".into(),
        dates: FileDates {
            opened_on: Some(date("2010-01-04")),
            closed_on: Some(date("2015-06-30")),
            ..Default::default()
        },
        ..Default::default()
    };
    vault.create_file(&admin, old).expect("old file");
    let batch = vault.propose_batch(&archivist, BatchKind::Destruction, &["X-1".into()], "").expect("batch");
    vault.approve_batch(&admin, &batch.number, "").expect("approved");
    vault.execute_batch(&archivist, &batch.number, "").expect("destroyed");

    let new = |last: &str, key: Option<&str>, identifier: &str| PersonLink {
        person: PersonRef::New(NewPerson {
            last_name: last.into(),
            external_key: key.map(Into::into),
            identifiers: vec![Identifier { kind: IdentifierKind::ClientNumber, value: identifier.into() }],
            ..Default::default()
        }),
        categories: vec![],
        purposes: vec![],
    };
    let edit = |last: &str, key: Option<&str>| PersonEdit {
        last_name: last.into(),
        external_key: key.map(Into::into),
        ..Default::default()
    };
    type Case<'a> = (&'a str, Attempt<'a>, ErrorCode, &'a str);
    let admin = &admin;
    let cases: Vec<Case> = vec![
        (
            "unknown file",
            Box::new(|v| v.attach_person(admin, "NOPE-1", new("Roy", None, "C-1")).map(drop)),
            ErrorCode::UnknownFile,
            "NOPE-1",
        ),
        (
            "destroyed file",
            Box::new(|v| v.attach_person(admin, "x-1", new("Roy", None, "C-1")).map(drop)),
            ErrorCode::FileFinal,
            "X-1",
        ),
        (
            "already linked",
            Box::new(move |v| v.attach_person(admin, "E-1", existing(id)).map(drop)),
            ErrorCode::PersonAlreadyLinked,
            "Émilie Tremblay",
        ),
        (
            "unknown person",
            Box::new(|v| v.attach_person(admin, "A-1", existing(9999)).map(drop)),
            ErrorCode::UnknownPerson,
            "9999",
        ),
        (
            "empty last name",
            Box::new(|v| v.attach_person(admin, "A-1", new("  ", None, "C-1")).map(drop)),
            ErrorCode::PersonNameMissing,
            "last name",
        ),
        (
            "key taken",
            Box::new(|v| v.attach_person(admin, "A-1", new("Roy", Some("dos-4411"), "C-1")).map(drop)),
            ErrorCode::PersonKeyTaken,
            "Émilie Tremblay",
        ),
        (
            "empty identifier",
            Box::new(|v| v.attach_person(admin, "A-1", new("Roy", None, " - ")).map(drop)),
            ErrorCode::IdentifierInvalid,
            "client_number",
        ),
        (
            "unknown category",
            Box::new(|v| {
                let mut link = new("Roy", None, "C-1");
                link.categories = vec!["astrologie".into()];
                v.attach_person(admin, "A-1", link).map(drop)
            }),
            ErrorCode::UnknownCategory,
            "astrologie",
        ),
        (
            "empty purpose",
            Box::new(|v| {
                let mut link = new("Roy", None, "C-1");
                link.purposes = vec![Purpose {
                    purpose: " ".into(),
                    consent: Consent::Given,
                    consent_date: None,
                    consent_source: String::new(),
                }];
                v.attach_person(admin, "A-1", link).map(drop)
            }),
            ErrorCode::PurposeMissing,
            "purpose",
        ),
        (
            "last name past what the field holds",
            Box::new(|v| v.attach_person(admin, "A-1", new(&"é".repeat(LINE_MAX + 1), None, "C-1")).map(drop)),
            ErrorCode::TextTooLong,
            "“last name” has 1001 characters",
        ),
        (
            "identifier past what the field holds",
            Box::new(|v| v.attach_person(admin, "A-1", new("Roy", None, &"7".repeat(LINE_MAX + 1))).map(drop)),
            ErrorCode::TextTooLong,
            "identifier",
        ),
        (
            "consent source past what the field holds",
            Box::new(|v| {
                let mut link = new("Roy", None, "C-1");
                link.purposes = vec![Purpose {
                    purpose: "Suivi".into(),
                    consent: Consent::Given,
                    consent_date: None,
                    consent_source: "x".repeat(LINE_MAX + 1),
                }];
                v.attach_person(admin, "A-1", link).map(drop)
            }),
            ErrorCode::TextTooLong,
            "source of consent",
        ),
        (
            "edit with a first name past what the field holds",
            Box::new(move |v| {
                let long = PersonEdit { first_name: "Ô".repeat(LINE_MAX + 1), ..edit("Tremblay", None) };
                v.edit_person(admin, id, long).map(drop)
            }),
            ErrorCode::TextTooLong,
            "first name",
        ),
        (
            "edit unknown",
            Box::new(|v| v.edit_person(admin, 9999, edit("Roy", None)).map(drop)),
            ErrorCode::UnknownPerson,
            "9999",
        ),
        (
            "edit empty name",
            Box::new(move |v| v.edit_person(admin, id, edit("", None)).map(drop)),
            ErrorCode::PersonNameMissing,
            "last name",
        ),
        (
            "detach not linked",
            Box::new(move |v| v.detach_person(admin, "A-1", id, "motif").map(drop)),
            ErrorCode::PersonNotLinked,
            "A-1",
        ),
        (
            "detach without reason",
            Box::new(move |v| v.detach_person(admin, "E-1", id, "  ").map(drop)),
            ErrorCode::ReasonMissing,
            "reason",
        ),
        (
            "detach destroyed",
            Box::new(move |v| v.detach_person(admin, "X-1", id, "motif").map(drop)),
            ErrorCode::FileFinal,
            "destroyed",
        ),
    ];
    // A second person with a key, for the edit that takes it.
    vault.attach_person(admin, "A-1", new("Roy", Some("K-2"), "C-9")).expect("second person");
    let mut cases = cases;
    cases.push((
        "edit key taken",
        Box::new(move |v| v.edit_person(admin, id, edit("Tremblay", Some("k-2"))).map(drop)),
        ErrorCode::PersonKeyTaken,
        "Roy",
    ));
    for (name, case, code, named) in &cases {
        let before = state(&fixture, &vault);
        let err = case(&mut vault).expect_err(name);
        assert_eq!(err.code(), *code, "{name}: {err}");
        assert!(err.to_string().contains(named), "{name}: the message names {named}: {err}");
        assert!(!err.french().is_empty());
        assert_eq!(state(&fixture, &vault), before, "{name} changed the vault");
    }

    // A held file: no attach, no detach, no edit of a person it is about.
    vault
        .place_hold(admin, HoldTarget::File("E-1".into()), HoldKind::Litigation, "Poursuite 2026-12", None)
        .expect("hold");
    let before = state(&fixture, &vault);
    let held: [Attempt; 3] = [
        Box::new(|v| v.attach_person(admin, "E-1", new("Roy", None, "C-1")).map(drop)),
        Box::new(move |v| v.detach_person(admin, "E-1", id, "motif").map(drop)),
        Box::new(move |v| v.edit_person(admin, id, edit("Tremblay", None)).map(drop)),
    ];
    for case in &held {
        let err = case(&mut vault).expect_err("held");
        assert_eq!(err.code(), ErrorCode::FileHeld, "{err}");
        assert!(err.to_string().contains("E-1"), "{err}");
    }
    assert_eq!(state(&fixture, &vault), before, "a held file changes nothing");

    // Readers and access officers do not change persons (the refusal itself is audited);
    // a clerk, who files and edits files, may (manage_register, crates/core/src/access.rs).
    let auditor = user(&mut vault, admin, "verif", Role::Auditor);
    let officer = user(&mut vault, admin, "responsable", Role::AccessOfficer);
    for session in [&auditor, &officer] {
        let before = state(&fixture, &vault);
        let denied = [
            vault.attach_person(session, "A-1", new("Roy", None, "C-1")).map(drop),
            vault.edit_person(session, id, edit("Roy", None)).map(drop),
            vault.detach_person(session, "A-1", id, "motif").map(drop),
        ];
        for result in denied {
            assert_eq!(result.expect_err("denied").code(), ErrorCode::PermissionDenied);
        }
        let after = state(&fixture, &vault);
        let strip = |s: &str| s.lines().filter(|l| !l.contains("\"events\"")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&after), strip(&before), "a denied change changes nothing but the audit trail");
        assert_ne!(after, before, "the refusals are audited");
    }
    let clerk = user(&mut vault, admin, "commis", Role::Clerk);
    vault.attach_person(&clerk, "A-1", existing(id)).expect("a clerk attaches");
    assert_no_identifier_in_audit(&vault, admin);
}
