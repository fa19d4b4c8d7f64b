//! What auditors sign: the due list, legal holds that block every step, separation of duties,
//! a destruction that leaves no trace (checked with decoding oracles: decrypted pages with their
//! free pages, the index's term dictionary, audit details, raw bytes of every file, and a restore
//! of an older backup followed by the ledger replay), and a certificate that verifies.

mod common;

use std::{io::Write, path::Path};

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    backup::{self, Credentials},
    vault::{testing, Unlock},
    BatchFlag, BatchKind, BatchState, DueKind, DueQuery, ErrorCode, FileDates, FileDecision, FileDraft, HoldKind,
    HoldTarget, NewUser, Progress, Role, Secret, Session, UserMessage, Vault, VaultKey,
};

const ARCHIVIST: &str = "archiviste";
const ARCHIVIST_PASSWORD: &str = "archivist password 1";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// The files a certificate lists, in its order.
fn certificate_files(
    vault: &Vault,
    session: &Session,
    certificate: &greffier_core::Certificate,
) -> Vec<greffier_core::CertificateFile> {
    let mut files = Vec::new();
    let count = vault
        .for_each_certificate_file(session, certificate, &mut |file| {
            files.push(file.clone());
            Ok(())
        })
        .expect("files");
    assert_eq!(count, files.len() as u64, "the count answered is the files given");
    files
}

/// A vault with the sample plan, its administrator, and a second user who may approve.
fn setup(fixture: &Fixture) -> (Vault, Session, Session) {
    let mut vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    vault.import_sample_plan(&admin).expect("sample plan");
    vault
        .add_user(
            &admin,
            NewUser {
                username: ARCHIVIST.into(),
                display_name: "Archiviste".into(),
                role: Role::Archivist,
                password: Secret::new(ARCHIVIST_PASSWORD),
            },
        )
        .expect("archivist");
    let archivist = vault.sign_in(ARCHIVIST, &Secret::new(ARCHIVIST_PASSWORD)).expect("archivist signs in");
    (vault, admin, archivist)
}

/// A closed file. Class 500-40-15 (rule 5120): 1 + 1 years from the closing, then destroyed;
/// 500-10-05 (rule 5010, confidential documents): 1 + 2 years, destroyed; 100-30-10 (rule
/// 1080): 2 + 3 years, then kept (transfer to archives).
fn file(vault: &mut Vault, session: &Session, reference: &str, class: &str, title: &str, closed: &str) {
    vault
        .create_file(
            session,
            FileDraft {
                reference: reference.into(),
                class: class.into(),
                title: title.into(),
                description: format!("Description de {title}"),
                notes: format!("Notes: {title}"),
                dates: FileDates {
                    opened_on: Some(date("2010-01-04")),
                    closed_on: Some(date(closed)),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .expect("file created");
}

fn until_today() -> DueQuery {
    DueQuery { until: date("2026-11-23"), project: None, kind: None, class: None }
}

/// The due list `query` selects, exported to a CSV file and read back: the count and the text.
fn due_csv(vault: &Vault, session: &Session, query: &DueQuery, lang: greffier_core::Lang) -> (u64, String) {
    let dir = tempfile::tempdir().expect("a folder for the export");
    let path = dir.path().join("échéances.csv");
    let count = vault
        .export_due(session, query, lang, greffier_core::RegisterFormat::Csv, &path, &mut |_, _| true)
        .expect("csv");
    (count, std::fs::read_to_string(&path).expect("the export"))
}

fn refs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_due_list_reads_stored_dates_and_holds_block_every_step_and_no_one_approves_their_own_batch() {
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    file(&mut vault, &admin, "D-1", "500-40-15", "Dossier un", "2015-06-30");
    file(&mut vault, &admin, "D-2", "500-40-15", "Dossier deux", "2015-06-30");
    file(&mut vault, &admin, "D-3", "500-40-15", "Pas encore échu", "2025-06-30");
    file(&mut vault, &admin, "T-1", "100-30-10", "À verser aux archives", "2015-06-30");
    vault
        .create_file(
            &admin,
            FileDraft {
                reference: "O-1".into(),
                class: "500-40-15".into(),
                title: "Toujours ouvert".into(),
                ..Default::default()
            },
        )
        .expect("open file");

    // The due list: what falls due by today, soonest first; the open file and D-3 are not in it.
    let due = vault.due_files(&admin, &until_today(), 0, 50).expect("due list");
    let listed: Vec<&str> = due.files.iter().map(|f| f.reference.as_str()).collect();
    assert_eq!(due.total, 3, "{listed:?}");
    assert!(listed.contains(&"D-1") && listed.contains(&"T-1") && !listed.contains(&"D-3"), "{listed:?}");
    assert_eq!(due.files.iter().find(|f| f.reference == "D-1").expect("D-1").due_on, "2017-06-30");
    let destructions =
        vault.due_files(&admin, &DueQuery { kind: Some(DueKind::Destruction), ..until_today() }, 0, 50).expect("due");
    assert_eq!(destructions.total, 2);
    let later = vault.due_files(&admin, &DueQuery { until: date("2027-12-31"), ..until_today() }, 0, 50).expect("due");
    assert_eq!(later.total, 4, "D-3 falls due on 2027-06-30");
    let mut streamed = 0;
    vault
        .for_each_due_file(&admin, &until_today(), &mut |_| {
            streamed += 1;
            Ok(())
        })
        .expect("stream");
    assert_eq!(streamed, 3);

    // The calendar: what is overdue, what falls due month by month, what waits for its event.
    let calendar = vault.due_calendar(&admin, date("2026-11-23"), 24, None).expect("calendar");
    assert_eq!(calendar.from, date("2026-11-01"));
    assert_eq!(calendar.months.len(), 24);
    assert_eq!((calendar.overdue.destruction, calendar.overdue.transfer), (2, 1));
    let june = calendar.months.iter().find(|m| m.month == "2027-06").expect("June 2027");
    assert_eq!(june.counts.destruction, 1, "D-3");
    assert_eq!(calendar.months.iter().map(|m| m.counts.destruction + m.counts.transfer).sum::<u64>(), 1);
    assert_eq!(calendar.waiting, 1, "the open file waits for its closing");
    let none = vault.due_calendar(&admin, date("2026-11-23"), 24, Some("NOPE")).expect("calendar");
    assert_eq!(none.overdue.destruction + none.waiting, 0);

    // Only due files of the batch's disposition go in a batch.
    let err = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-3"]), "").expect_err("not due");
    assert_eq!(err.code(), ErrorCode::FileNotDue, "{err}");
    let err = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["T-1"]), "").expect_err("kept");
    assert_eq!(err.code(), ErrorCode::WrongDisposition, "{err}");
    let err = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["O-1"]), "").expect_err("open");
    assert_eq!(err.code(), ErrorCode::FileNotDue, "{err}");

    // A hold on a class above the files' class holds them: no batch, no edit; the refusal names it.
    let class_hold = vault
        .place_hold(&admin, HoldTarget::Class("500-40".into()), HoldKind::Litigation, "Poursuite 2026-123", None)
        .expect("hold");
    let err = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-1"]), "").expect_err("held");
    assert_eq!(err.code(), ErrorCode::FileHeld);
    assert!(err.to_string().contains(&class_hold.number), "{err}");
    let mut edit = vault.file(&admin, "D-1").expect("file");
    let err = vault
        .update_file(
            &admin,
            "D-1",
            FileDraft {
                reference: edit.reference.clone(),
                class: edit.class.clone(),
                title: "Modifié".into(),
                dates: std::mem::take(&mut edit.dates),
                ..Default::default()
            },
        )
        .expect_err("held files cannot be edited");
    assert_eq!(err.code(), ErrorCode::FileHeld);
    assert_eq!(vault.reopen_file(&admin, "D-1").expect_err("nor reopened").code(), ErrorCode::FileHeld);
    assert_eq!(vault.holds_on_file(&admin, "D-2").expect("holds").len(), 1);
    assert!(due_file(&vault, &admin, "D-1").held_by.is_some(), "the due list shows the hold");
    assert_eq!(
        vault.release_hold(&admin, &class_hold.number, "  ").expect_err("a reason").code(),
        ErrorCode::ReasonMissing
    );
    // A second hold keeps the file held after the first is released.
    let file_hold = vault
        .place_hold(&admin, HoldTarget::File("D-1".into()), HoldKind::Audit, "Vérification interne", None)
        .expect("hold");
    vault.release_hold(&admin, &class_hold.number, "Règlement hors cour").expect("released");
    assert_eq!(
        vault.release_hold(&admin, &class_hold.number, "again").expect_err("once").code(),
        ErrorCode::HoldReleased
    );
    let err = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-1", "D-2"]), "").expect_err("held");
    assert!(err.to_string().contains(&file_hold.number), "{err}");
    vault.release_hold(&admin, &file_hold.number, "Vérification terminée").expect("released");

    // Proposed by the administrator; the proposer can never decide it.
    let batch =
        vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-1", "D-2"]), "Lot de test").expect("batch");
    assert_eq!((batch.state, batch.files), (BatchState::Proposed, 2));
    assert_eq!(
        vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-1"]), "").expect_err("twice").code(),
        ErrorCode::FileInBatch
    );
    assert_eq!(
        vault.approve_batch(&admin, &batch.number, "").expect_err("separation of duties").code(),
        ErrorCode::SeparationOfDuties
    );
    assert_eq!(vault.execute_batch(&admin, &batch.number, "").expect_err("not approved").code(), ErrorCode::BatchState);

    // A hold placed after the proposal flags the file; it cannot be approved until rejected.
    let person_less_hold = vault
        .place_hold(&admin, HoldTarget::File("D-2".into()), HoldKind::AccessRequest, "Demande 2026-07", Some("DA-7"))
        .expect("hold");
    let files = vault.batch_files(&archivist, &batch.number).expect("files");
    let d2 = files.iter().find(|f| f.reference == "D-2").expect("D-2");
    assert!(matches!(&d2.flags[..], [BatchFlag::Held { hold, .. }] if *hold == person_less_hold.number), "{d2:?}");
    let err = vault.approve_batch(&archivist, &batch.number, "").expect_err("flagged");
    assert_eq!(err.code(), ErrorCode::FileFlagged);
    assert!(err.to_string().contains("D-2"), "{err}");
    // Both languages name the hold in their own words.
    let (english, french) = (err.to_string(), err.french());
    assert!(english.contains(&format!("hold {} (Demande 2026-07)", person_less_hold.number)), "{english}");
    assert!(french.contains(&format!("mise en suspens {} (Demande 2026-07)", person_less_hold.number)), "{french}");
    assert_no_english(&french);
    vault
        .decide_files(&archivist, &batch.number, &refs(&["D-2"]), FileDecision::Rejected, "Sous suspension")
        .expect("rejected");
    let approved =
        vault.decide_files(&archivist, &batch.number, &refs(&["D-1"]), FileDecision::Approved, "").expect("approved");
    assert_eq!((approved.state, approved.approved_files), (BatchState::Approved, 1));
    assert_eq!(approved.decided_by.as_deref(), Some(ARCHIVIST));

    // Holds are checked again at execution.
    let late = vault
        .place_hold(&archivist, HoldTarget::Project("none".into()), HoldKind::Other, "x", None)
        .expect_err("no such project");
    assert_eq!(late.code(), ErrorCode::UnknownProject);
    let late = vault
        .place_hold(&archivist, HoldTarget::File("D-1".into()), HoldKind::Investigation, "Enquête", None)
        .expect("late hold");
    let err = vault.execute_batch(&admin, &batch.number, "").expect_err("held at execution");
    assert_eq!(err.code(), ErrorCode::FileHeld);
    assert!(vault.file(&admin, "D-1").is_ok(), "nothing was destroyed");
    vault.release_hold(&archivist, &late.number, "Close").expect("release");
    assert_eq!(vault.release_request_holds(&admin, "DA-7", "Demande fermée").expect("request holds"), 1);

    let report = vault.execute_batch(&admin, &batch.number, "").expect("executed");
    assert_eq!((report.batch.state, report.files), (BatchState::Executed, 1));
    assert_eq!(vault.file(&admin, "D-1").expect_err("destroyed").code(), ErrorCode::UnknownFile);
    assert!(vault.file(&admin, "D-2").is_ok(), "the rejected file stays");
    let residual = vault.destroyed_files(&admin, "D-1", 10).expect("residual");
    assert_eq!(residual.len(), 1);
    assert_eq!(residual[0].title.as_deref(), Some("Dossier un"));
    assert_eq!((residual[0].approved_by.as_str(), residual[0].rule.as_str()), (ARCHIVIST, "5120"));

    // The certificate: its CSV verifies against the vault; an altered one does not.
    let certificate = vault.certificate(&admin, &batch.number, greffier_core::Lang::Fr).expect("certificate");
    assert_eq!(certificate_files(&vault, &admin, &certificate).len(), 1);
    assert_eq!(certificate.counts.files, 1);
    assert_eq!(certificate.approved_by, ARCHIVIST);
    let mut csv = Vec::new();
    vault.write_certificate_csv(&admin, &certificate, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    let check = vault.verify_certificate(&admin, &csv).expect("verify");
    assert!(check.is_valid(), "{:?}", check.problems);
    let forged = csv.replace("D-1,", "D-2,");
    assert!(!vault.verify_certificate(&admin, &forged).expect("verify").is_valid());
    let bad_hash = csv.replace(&certificate.chain_head.hash, &"0".repeat(64));
    assert!(!vault.verify_certificate(&admin, &bad_hash).expect("verify").is_valid());
    assert_eq!(
        vault.verify_certificate(&admin, "nothing,here\n").expect_err("unreadable").code(),
        ErrorCode::CertificateUnreadable
    );

    // A transfer batch marks the files transferred.
    let transfer = vault.propose_batch(&archivist, BatchKind::Transfer, &refs(&["T-1"]), "").expect("transfer");
    vault.approve_batch(&admin, &transfer.number, "").expect("approved by the other user");
    vault.execute_batch(&archivist, &transfer.number, "").expect("transferred");
    assert_eq!(vault.file(&admin, "T-1").expect("kept").status, greffier_core::FileStatus::Transferred);
    let slips = vault.transfer_slips(&admin, &transfer.number, greffier_core::Lang::Fr).expect("slips");
    assert_eq!(slips.len(), 1);
    assert_eq!((slips[0].quantity, slips[0].files[0].reference.as_str()), (1, "T-1"));
    assert_eq!(slips[0].slip_number, format!("{}-01", transfer.number));
    assert_eq!((slips[0].oldest.as_deref(), slips[0].newest.as_deref()), (Some("2010-01-04"), Some("2015-06-30")));
    assert_eq!(slips[0].access_restriction, "Aucune restriction.");
    assert_eq!(
        vault.transfer_slips(&admin, &batch.number, greffier_core::Lang::Fr).expect_err("a destruction").code(),
        ErrorCode::BatchState
    );
    assert_eq!(
        vault.certificate(&admin, &transfer.number, greffier_core::Lang::En).expect_err("none").code(),
        ErrorCode::NoCertificate
    );
    // A file reopened after the approval is left out at execution, not transferred.
    file(&mut vault, &admin, "T-2", "100-30-10", "Autre versement", "2015-06-30");
    file(&mut vault, &admin, "T-3", "100-30-10", "Rouvert après l'approbation", "2015-06-30");
    let transfer = vault.propose_batch(&archivist, BatchKind::Transfer, &refs(&["T-2", "T-3"]), "").expect("transfer");
    vault.approve_batch(&admin, &transfer.number, "").expect("approved");
    vault.reopen_file(&admin, "T-3").expect("reopened");
    let report = vault.execute_batch(&archivist, &transfer.number, "").expect("executed");
    assert_eq!((report.files, report.left_out.clone()), (1, vec!["T-3".to_owned()]));
    assert_eq!(vault.file(&admin, "T-3").expect("still here").status, greffier_core::FileStatus::Active);
    // A whole batch rejected.
    let rejected = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-2"]), "").expect("batch");
    let rejected = vault.reject_batch(&archivist, &rejected.number, "Pas maintenant").expect("rejected");
    assert_eq!(rejected.state, BatchState::Rejected);

    // Ids are never reused, even when the destroyed file had the highest one.
    file(&mut vault, &admin, "Z-1", "500-40-15", "Le plus récent", "2015-06-30");
    let last_id = vault.file(&admin, "Z-1").expect("file").id;
    let last = vault.propose_batch(&archivist, BatchKind::Destruction, &refs(&["Z-1"]), "").expect("batch");
    vault.approve_batch(&admin, &last.number, "").expect("approved");
    vault.execute_batch(&archivist, &last.number, "").expect("executed");
    file(&mut vault, &admin, "Z-2", "500-40-15", "Après la destruction", "2015-06-30");
    let new_id = vault.file(&admin, "Z-2").expect("file").id;
    assert!(new_id > last_id, "the new file took id {new_id}, the destroyed one had {last_id}");
    assert_eq!(vault.destroyed_files(&admin, "Z-1", 10).expect("residual").len(), 1);

    let report = vault.verify_audit(&admin).expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert!(report.erased_details >= 1, "the destroyed file's events lost their details");
    let actions: Vec<String> = vault.recent_audit(&admin, 40).expect("audit").into_iter().map(|e| e.action).collect();
    for action in ["hold.place", "hold.release", "disposition.propose", "disposition.approve", "disposition.execute"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
    }
}

fn due_file(vault: &Vault, session: &Session, reference: &str) -> greffier_core::DueFile {
    vault
        .due_files(session, &until_today(), 0, 100)
        .expect("due")
        .files
        .into_iter()
        .find(|f| f.reference == reference)
        .expect("in the due list")
}

// ----- the decoding oracles -----

const GONE: [&str; 3] = ["qwzdestroycanary", "Vrbnikdestroyname", "canaryident111222"];
const KEPT: [&str; 3] = ["qwzkeepcanary", "Vrbnikkeepname", "canaryident333444"];

fn count(bytes: &[u8], needle: &str) -> usize {
    bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

/// Every page of a SQLCipher database as SQLite sees it once decrypted, free pages included
/// (`sqlite_dbpage`, compiled in through LIBSQLITE3_FLAGS in .cargo/config.toml).
fn decrypted_pages(path: &Path, key: &VaultKey) -> Vec<u8> {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex().as_str())).expect("key");
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |row| row.get(0)).expect("freelist");
    let mut stmt = conn.prepare("SELECT data FROM sqlite_dbpage('main')").expect("sqlite_dbpage is compiled in");
    let mut all = Vec::new();
    let mut pages = 0;
    for page in stmt.query_map([], |row| row.get::<_, Vec<u8>>(0)).expect("pages") {
        all.extend(page.expect("page"));
        pages += 1;
    }
    assert!(pages > free, "pages read: {pages}, free: {free}");
    all
}

fn every_file_under(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all.extend(every_file_under(&path));
        } else {
            all.extend(std::fs::read(&path).expect("read"));
        }
    }
    all
}

/// What the oracles find of a set of canaries: decrypted vault pages, decrypted index pages,
/// the index's document frequencies, audit details, raw bytes of the folder.
fn traces(fixture: &Fixture, vault: &Vault, admin: &Session, canaries: &[&str]) -> Vec<String> {
    let dir = fixture.vault_dir();
    let vault_pages = decrypted_pages(&dir.join("vault.db"), &testing::key(vault));
    let index_pages = decrypted_pages(&dir.join("search.db"), &testing::index_key(vault));
    let raw = every_file_under(&dir);
    let head = vault.chain_head().expect("head");
    let mut details = String::new();
    for seq in 1..=head.seq {
        if let Some(d) = vault.audit_details(admin, seq).expect("details") {
            details.push_str(&d.to_string());
        }
    }
    let mut found = Vec::new();
    let stale = testing::index_stale_files(vault);
    if !stale.is_empty() {
        // Old segments would still hold the words of deleted documents.
        found.push(format!("stale index files {stale:?}"));
    }
    for canary in canaries {
        let folded = canary.to_lowercase();
        if count(&vault_pages, canary) > 0 {
            found.push(format!("{canary} in vault.db pages"));
        }
        if count(&index_pages, &folded) + count(&index_pages, canary) > 0 {
            found.push(format!("{canary} in search.db pages"));
        }
        for field in ["text", "person", "who"] {
            if vault.index_doc_freq(field, &folded).expect("doc freq") > 0 {
                found.push(format!("{canary} in the index's {field} terms"));
            }
        }
        if details.contains(canary) {
            found.push(format!("{canary} in audit details"));
        }
        if count(&raw, canary) + count(&raw, &folded) > 0 {
            found.push(format!("{canary} in the raw bytes of the folder"));
        }
    }
    found
}

#[test]
fn a_destruction_leaves_no_trace_even_after_restoring_an_older_backup() {
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    file(&mut vault, &admin, "GONE-1", "500-10-05", &format!("Dossier {}", GONE[0]), "2015-06-30");
    file(&mut vault, &admin, "KEEP-1", "500-10-05", &format!("Dossier {}", KEPT[0]), "2015-06-30");
    // Persons, with identifiers, each in one file.
    let imports = tempfile::tempdir().expect("tempdir");
    let persons = imports.path().join("personnes.csv");
    std::fs::File::create(&persons)
        .and_then(|mut f| {
            f.write_all(
                format!(
                    "file,last_name,first_name,identifier_type,identifier\n\
                     GONE-1,{},Ana,client_number,{}\nKEEP-1,{},Léa,client_number,{}\n",
                    GONE[1], GONE[2], KEPT[1], KEPT[2]
                )
                .as_bytes(),
            )
        })
        .expect("write");
    vault.import_register(&admin, None, Some(&persons), &mut |_| true).expect("persons");
    // An edit puts the canary in an audit event's details (before and after).
    let mut record = vault.file(&admin, "GONE-1").expect("file");
    vault
        .update_file(
            &admin,
            "GONE-1",
            FileDraft {
                reference: record.reference.clone(),
                class: record.class.clone(),
                title: record.title.clone(),
                description: format!("Révisé {}", GONE[0]),
                dates: std::mem::take(&mut record.dates),
                ..Default::default()
            },
        )
        .expect("edit");
    let before = traces(&fixture, &vault, &admin, &GONE);
    // (search.db's pages hold tantivy's compressed encodings, so the page scan of the index sees
    // nothing even before; its term dictionary is the index's oracle.)
    for expected in [
        "qwzdestroycanary in vault.db pages",
        "qwzdestroycanary in the index's text terms",
        "qwzdestroycanary in audit details",
        "Vrbnikdestroyname in vault.db pages",
        "Vrbnikdestroyname in the index's person terms",
        "canaryident111222 in vault.db pages",
        "canaryident111222 in the index's person terms",
    ] {
        assert!(before.iter().any(|t| t == expected), "the oracles see {expected} before the destruction: {before:?}");
    }

    // A backup taken before the destruction.
    let backup_file = fixture.dir.path().join("avant.greffier");
    vault.backup(&admin, &backup_file, &mut |_: Progress| true).expect("backup");

    let batch = vault.propose_batch(&archivist, BatchKind::Destruction, &refs(&["GONE-1"]), "").expect("batch");
    vault.approve_batch(&admin, &batch.number, "Conforme au calendrier").expect("approved");
    // Proposing gathered the file's documents into a segment of their own; a rebuild since puts
    // them back beside live documents, so the execution must find and merge that segment.
    vault.reindex(&admin, &mut |_| true).expect("reindex");
    let report = vault.execute_batch(&archivist, &batch.number, "").expect("executed");
    assert_eq!((report.files, report.persons), (1, 1));
    assert_eq!(vault.find_persons(&admin, GONE[1], 10).expect("find").len(), 0);

    let gone = traces(&fixture, &vault, &admin, &GONE);
    assert!(gone.is_empty(), "destroyed canaries found: {gone:?}");
    // Ten: the title's canary is also read in the index's pages, in its column of sort keys; the
    // person's name and identifier in the file's `person` terms and in their own `who` terms.
    let kept = traces(&fixture, &vault, &admin, &KEPT);
    assert_eq!(kept.len(), 10, "the control file's canaries are still seen (the oracles work): {kept:?}");
    for log in ["vault.db-wal", "search.db-wal"] {
        let len = std::fs::metadata(fixture.vault_dir().join(log)).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len, 0, "{log} was truncated");
    }
    let residual = vault.destroyed_files(&admin, "GONE", 10).expect("residual");
    assert_eq!(residual.len(), 1);
    assert_eq!(residual[0].title, None, "rule 5010 says its documents are confidential: no title kept");
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
    let certificate_csv = {
        let certificate = vault.certificate(&admin, &batch.number, greffier_core::Lang::En).expect("certificate");
        let mut out = Vec::new();
        vault.write_certificate_csv(&admin, &certificate, &mut out).expect("csv");
        String::from_utf8(out).expect("utf-8")
    };
    vault.lock();

    // Restoring the older backup brings the file back into vault.db, and the open replays the
    // ledger before anyone can use it.
    let password = Secret::new(ADMIN_PASSWORD);
    let (restored, _) = backup::restore(
        &backup_file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        None,
        Credentials { username: ADMIN, password: &password },
        &fixture.env,
        &mut |_: Progress| true,
    )
    .expect("restore");
    let admin = restored.sign_in(ADMIN, &password).expect("sign in");
    assert_eq!(restored.file(&admin, "GONE-1").expect_err("destroyed again").code(), ErrorCode::UnknownFile);
    assert!(restored.file(&admin, "KEEP-1").is_ok());
    assert_eq!(restored.batch(&admin, &batch.number).expect("batch").state, BatchState::Executed);
    assert_eq!(restored.destroyed_files(&admin, "GONE", 10).expect("residual").len(), 1);
    // The kept-aside copy of the replaced vault is outside this folder's vault.db; scan the live files.
    let after_restore = traces_live(&fixture, &restored, &admin, &GONE);
    assert!(after_restore.is_empty(), "destroyed canaries found after the restore: {after_restore:?}");
    assert!(!traces_live(&fixture, &restored, &admin, &KEPT).is_empty());
    let actions: Vec<String> =
        restored.recent_audit(&admin, 10).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(actions.iter().any(|a| a == "disposition.replay"), "{actions:?}");
    // The certificate still names the batch and its files (its chain head was cut by the restore).
    assert!(certificate_csv.contains("GONE-1"));
}

/// [`traces`] without the raw scan of the folder, which holds the replaced vault kept aside by
/// the restore (encrypted, like any backup).
fn traces_live(fixture: &Fixture, vault: &Vault, admin: &Session, canaries: &[&str]) -> Vec<String> {
    traces(fixture, vault, admin, canaries).into_iter().filter(|t| !t.contains("raw bytes")).collect()
}

#[test]
fn recomputing_due_dates_applies_a_rule_s_new_version_and_the_index_follows() {
    let fixture = Fixture::new();
    let (mut vault, admin, _) = setup(&fixture);
    file(&mut vault, &admin, "R-1", "500-40-15", "Dossier révisé", "2015-06-30");
    file(&mut vault, &admin, "R-2", "100-30-10", "Autre règle", "2015-06-30");
    assert_eq!(vault.file(&admin, "R-1").expect("file").due.semi_active_until, Some(date("2017-06-30")));
    let rule = vault.rule(&admin, "5120").expect("rule");
    let mut content = rule.current().expect("current").content.clone();
    content.copies.iter_mut().for_each(|c| c.semi_active = greffier_core::Period::Years(20));
    let version = vault
        .revise_rule(
            &admin,
            "5120",
            greffier_core::RuleRevision { effective_date: date("2026-11-23"), note: "Directive".into(), content },
        )
        .expect("revised");
    assert_eq!(version, 2);
    // The file keeps the version that applied to it until the archivist applies the new one.
    let mut kept = vault.file(&admin, "R-1").expect("file");
    assert_eq!((kept.rule_version, kept.due.semi_active_until), (1, Some(date("2017-06-30"))));
    assert_eq!(vault.due_files(&admin, &until_today(), 0, 10).expect("due").total, 2);
    // Editing the file keeps its version, and the dates stored for the due list stay that
    // version's (not the new one's).
    let edited = vault
        .update_file(
            &admin,
            "R-1",
            FileDraft {
                reference: kept.reference.clone(),
                class: kept.class.clone(),
                title: "Dossier révisé, titre corrigé".into(),
                dates: std::mem::take(&mut kept.dates),
                ..Default::default()
            },
        )
        .expect("edited");
    assert_eq!((edited.rule_version, edited.due.semi_active_until), (1, Some(date("2017-06-30"))));
    assert_eq!(due_file(&vault, &admin, "R-1").due_on, "2017-06-30", "stored dates are the kept version's");
    // A retired class takes no new file, but the files it has can still be edited and recomputed.
    vault.set_class_active(&admin, "100-30-10", false).expect("retired");
    let mut other = vault.file(&admin, "R-2").expect("file");
    vault
        .update_file(
            &admin,
            "R-2",
            FileDraft {
                reference: other.reference.clone(),
                class: other.class.clone(),
                title: "Autre règle, classe retirée".into(),
                dates: std::mem::take(&mut other.dates),
                ..Default::default()
            },
        )
        .expect("a file of a retired class can be edited");
    let refused = vault
        .create_file(
            &admin,
            FileDraft {
                reference: "R-3".into(),
                class: "100-30-10".into(),
                title: "Nouveau".into(),
                ..Default::default()
            },
        )
        .expect_err("no new file in a retired class");
    assert_eq!(refused.code(), ErrorCode::ClassRetired);

    let mut calls = 0;
    let report = vault
        .recompute_due_dates(&admin, Some("5120"), &mut |_| {
            calls += 1;
            true
        })
        .expect("recomputed");
    assert_eq!((report.files, report.changed, report.reindexed), (1, 1, 1), "only rule 5120 file");
    assert!(calls >= 1, "progress is reported");
    let moved = vault.file(&admin, "R-1").expect("file");
    assert_eq!((moved.rule_version, moved.due.semi_active_until), (2, Some(date("2036-06-30"))));
    assert_eq!(vault.due_files(&admin, &until_today(), 0, 10).expect("due").total, 1, "R-1 is no longer due");
    let filter = greffier_core::FileFilter { due: Some("2036".into()), ..Default::default() };
    let found = vault.search_files(&admin, &filter, 0, 10, false).expect("search");
    assert_eq!(found.hits.iter().map(|h| h.row.reference.as_str()).collect::<Vec<_>>(), ["R-1"], "the index follows");
    // Nothing left to change the second time.
    let again = vault.recompute_due_dates(&admin, None, &mut |_| true).expect("again");
    assert_eq!((again.files, again.changed), (2, 0));
    let actions: Vec<String> = vault.recent_audit(&admin, 5).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(actions.iter().any(|a| a == "plan.due_recompute"), "{actions:?}");
}

#[test]
fn a_file_in_review_leaves_it_only_by_a_justified_decision() {
    let fixture = Fixture::new();
    let (mut vault, admin, _) = setup(&fixture);
    // Rule 1030 (100-10-15): 5 + 5 years from the closing, then sorted (T).
    for reference in ["T-1", "T-2", "T-3", "T-4"] {
        file(&mut vault, &admin, reference, "100-10-15", &format!("Dossier à trier {reference}"), "2010-06-30");
    }
    file(&mut vault, &admin, "D-1", "500-40-15", "Destruction simple", "2015-06-30");
    let review = DueQuery { kind: Some(DueKind::Review), ..until_today() };
    assert_eq!(vault.due_files(&admin, &review, 0, 10).expect("due").total, 4);
    // Nothing to decide for a file that is not in review; a justification is required.
    let err = vault
        .decide_review(&admin, "D-1", greffier_core::ReviewDecision::Destroy, "Sans valeur")
        .expect_err("not in review");
    assert_eq!(err.code(), ErrorCode::NotInReview);
    let err = vault.decide_review(&admin, "T-1", greffier_core::ReviewDecision::Destroy, " ").expect_err("why");
    assert_eq!(err.code(), ErrorCode::ReasonMissing);
    // A held file cannot be decided.
    let hold =
        vault.place_hold(&admin, HoldTarget::File("T-4".into()), HoldKind::Audit, "Vérification", None).expect("hold");
    let err =
        vault.decide_review(&admin, "T-4", greffier_core::ReviewDecision::Destroy, "Sans valeur").expect_err("held");
    assert!(err.to_string().contains(&hold.number), "{err}");

    let destroyed = vault
        .decide_review(&admin, "T-1", greffier_core::ReviewDecision::Destroy, "Sans valeur de recherche")
        .expect("destroy");
    assert_eq!(destroyed.due.disposition, greffier_core::Disposition::Destroy);
    assert!(destroyed.exception.as_ref().is_some_and(|e| e.reason.contains("Sans valeur de recherche")));
    let kept = vault
        .decide_review(&admin, "T-2", greffier_core::ReviewDecision::KeepPermanently, "Échantillon représentatif")
        .expect("keep");
    assert_eq!(kept.due.disposition, greffier_core::Disposition::Keep);
    let extended = vault
        .decide_review(
            &admin,
            "T-3",
            greffier_core::ReviewDecision::Extend { until: date("2028-03-15") },
            "Vérification en cours",
        )
        .expect("extend");
    let new_due = extended.due.semi_active_until.expect("a date");
    assert!(new_due >= date("2028-03-15") && new_due < date("2028-04-15"), "{new_due}");
    assert_eq!(extended.due.disposition, greffier_core::Disposition::Sort, "it comes back for review then");
    let err = vault
        .decide_review(&admin, "T-3", greffier_core::ReviewDecision::Extend { until: date("2027-01-01") }, "x")
        .expect_err("not later");
    assert_eq!(err.code(), ErrorCode::InvalidArgument);
    // The due list follows: T-1 is now due for destruction, T-2 for transfer, T-3 not yet.
    let destruction = DueQuery { kind: Some(DueKind::Destruction), ..until_today() };
    let refs: Vec<String> =
        vault.due_files(&admin, &destruction, 0, 10).expect("due").files.into_iter().map(|f| f.reference).collect();
    assert_eq!(refs, ["D-1", "T-1"], "soonest first: D-1 on 2017-06-30, T-1 on 2020-06-30");
    assert_eq!(vault.due_files(&admin, &review, 0, 10).expect("due").total, 1, "only the held T-4 is left");
    let actions: Vec<String> = vault.recent_audit(&admin, 10).expect("audit").into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "file.review_decision").count(), 3, "{actions:?}");
}

const ANON: [&str; 3] = ["Vrbnikanonname", "canaryident555666", "1961-07-14"];

/// Anonymisation (Access Act, s. 73): the persons and what names them in the file's text are gone
/// from every oracle, the rest of the file stays and is kept permanently, the certificate
/// verifies, and restoring an older backup anonymises the file again.
#[test]
fn an_anonymisation_removes_the_persons_keeps_the_file_and_survives_a_restore() {
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    file(&mut vault, &admin, "ANON-1", "500-40-15", &format!("Plainte de Ana {}", ANON[0]), "2015-06-30");
    file(&mut vault, &admin, "KEEP-1", "500-40-15", &format!("Dossier {}", KEPT[0]), "2015-06-30");
    file(&mut vault, &admin, "NOBODY-1", "500-40-15", "Dossier sans personne", "2015-06-30");
    let imports = tempfile::tempdir().expect("tempdir");
    let persons = imports.path().join("personnes.csv");
    std::fs::write(
        &persons,
        format!(
            "file,last_name,first_name,birth_date,identifier_type,identifier,categories\n\
             ANON-1,{},Ana,{},client_number,{},health\nKEEP-1,{},Léa,,client_number,{},\n",
            ANON[0], ANON[2], ANON[1], KEPT[1], KEPT[2]
        ),
    )
    .expect("write");
    vault.import_register(&admin, None, Some(&persons), &mut |_| true).expect("persons");
    let mut record = vault.file(&admin, "ANON-1").expect("file");
    vault
        .update_file(
            &admin,
            "ANON-1",
            FileDraft {
                reference: record.reference.clone(),
                class: record.class.clone(),
                title: record.title.clone(),
                description: format!("Client {}, né le {}. Suivi de la plainte.", ANON[1], ANON[2]),
                notes: format!("Rappeler M. {} Ana", ANON[0]),
                dates: std::mem::take(&mut record.dates),
                ..Default::default()
            },
        )
        .expect("edit");
    let before = traces(&fixture, &vault, &admin, &ANON[..2]);
    assert!(before.len() >= 4, "the oracles see the person before: {before:?}");

    // Only a file that holds personal information can be anonymised.
    let err = vault
        .propose_batch(&archivist, BatchKind::Anonymisation, &refs(&["NOBODY-1"]), "")
        .expect_err("nothing to anonymise");
    assert_eq!(err.code(), ErrorCode::NoPersonalInformation, "{err}");
    let proposed = vault
        .propose_due(&archivist, BatchKind::Anonymisation, &until_today(), 100, "art. 73")
        .expect("propose the due files that hold personal information");
    let batch_files: Vec<String> =
        vault.batch_files(&admin, &proposed.number).expect("files").into_iter().map(|f| f.reference).collect();
    assert_eq!(batch_files, ["ANON-1", "KEEP-1"], "NOBODY-1 holds no personal information");
    vault.reject_batch(&admin, &proposed.number, "un seul dossier").expect("rejected");

    let backup_file = fixture.dir.path().join("avant.greffier");
    vault.backup(&admin, &backup_file, &mut |_: Progress| true).expect("backup");

    let batch = vault.propose_batch(&archivist, BatchKind::Anonymisation, &refs(&["ANON-1"]), "").expect("batch");
    let err = vault.approve_batch(&archivist, &batch.number, "moi").expect_err("separation of duties");
    assert_eq!(err.code(), ErrorCode::SeparationOfDuties);
    vault.approve_batch(&admin, &batch.number, "Intérêt public").expect("approved");
    let report = vault.execute_batch(&archivist, &batch.number, "").expect("executed");
    assert_eq!((report.files, report.persons), (1, 1));
    assert_eq!(report.batch.state, BatchState::Executed);

    let anonymised = vault.file(&admin, "ANON-1").expect("the file stays in the register");
    assert_eq!(anonymised.title, "Plainte de [anonymisé]", "first and last name together");
    assert_eq!(anonymised.description, "Client [anonymisé], né le [anonymisé]. Suivi de la plainte.");
    assert_eq!(anonymised.notes, "Rappeler M. [anonymisé]");
    assert!(anonymised.persons.is_empty());
    assert_eq!(anonymised.due.disposition, greffier_core::Disposition::Keep, "kept permanently");
    let reason = anonymised.exception.as_ref().map(|e| e.reason.clone()).unwrap_or_default();
    assert!(reason.contains(&batch.number), "{reason}");
    assert_eq!(vault.find_persons(&admin, ANON[0], 10).expect("find").len(), 0);
    let gone = traces(&fixture, &vault, &admin, &ANON[..2]);
    assert!(gone.is_empty(), "anonymised canaries found: {gone:?}");
    // Ten, as after a destruction (see above).
    let kept = traces(&fixture, &vault, &admin, &KEPT);
    assert_eq!(kept.len(), 10, "the control file's canaries are still seen: {kept:?}");
    let err = vault
        .propose_batch(&archivist, BatchKind::Anonymisation, &refs(&["ANON-1"]), "")
        .expect_err("an anonymised file is kept, not due for destruction");
    assert_eq!(err.code(), ErrorCode::WrongDisposition, "{err}");
    // No person comes back onto it: attached one at a time, or imported.
    let person = greffier_core::persons::PersonLink {
        person: greffier_core::persons::PersonRef::New(greffier_core::persons::NewPerson {
            last_name: ANON[0].into(),
            first_name: "Ana".into(),
            ..Default::default()
        }),
        categories: vec![],
        purposes: vec![],
    };
    let err = vault.attach_person(&admin, "ANON-1", person).expect_err("anonymised");
    assert_eq!(err.code(), ErrorCode::FileAnonymised, "{err}");
    assert!(err.message(greffier_core::Lang::Fr).contains("anonymisé"), "{err}");
    let again = imports.path().join("encore.csv");
    std::fs::write(&again, format!("file,last_name,first_name\nANON-1,{},Ana\n", ANON[0])).expect("write");
    let err = vault.import_register(&admin, None, Some(&again), &mut |_| true).expect_err("anonymised");
    assert!(err.to_string().contains("ANON-1 was anonymised"), "{err}");
    assert!(vault.file(&admin, "ANON-1").expect("file").persons.is_empty());

    let certificate = vault.certificate(&admin, &batch.number, greffier_core::Lang::Fr).expect("certificate");
    assert_eq!(certificate.kind, BatchKind::Anonymisation);
    assert!(certificate.certificate_number.starts_with("CA-"), "{}", certificate.certificate_number);
    let files = certificate_files(&vault, &admin, &certificate);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].title.as_deref(), Some("Plainte de [anonymisé]"));
    assert!(certificate.method.contains("s. 73"), "{}", certificate.method);
    let mut csv = Vec::new();
    vault.write_certificate_csv(&admin, &certificate, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    let check = vault.verify_certificate(&admin, &csv).expect("verify");
    assert!(check.is_valid(), "{:?}", check.problems);
    let forged = csv.replace("ANON-1", "KEEP-1");
    assert!(!vault.verify_certificate(&admin, &forged).expect("verify").is_valid());
    vault.lock();

    // An older backup still holds the person: the open anonymises the file again.
    let password = Secret::new(ADMIN_PASSWORD);
    let (restored, _) = backup::restore(
        &backup_file,
        &fixture.vault_dir(),
        Unlock::KeyStore,
        None,
        Credentials { username: ADMIN, password: &password },
        &fixture.env,
        &mut |_: Progress| true,
    )
    .expect("restore");
    let admin = restored.sign_in(ADMIN, &password).expect("sign in");
    let again = restored.file(&admin, "ANON-1").expect("file");
    assert_eq!(again.title, "Plainte de [anonymisé]");
    assert!(again.persons.is_empty());
    assert_eq!(restored.batch(&admin, &batch.number).expect("batch").kind, BatchKind::Anonymisation);
    assert_eq!(restored.batch(&admin, &batch.number).expect("batch").state, BatchState::Executed);
    let after_restore = traces_live(&fixture, &restored, &admin, &ANON[..2]);
    assert!(after_restore.is_empty(), "anonymised canaries found after the restore: {after_restore:?}");
    assert!(!traces_live(&fixture, &restored, &admin, &KEPT).is_empty());
}

/// Words of the English messages that a French one must not contain.
fn assert_no_english(french: &str) {
    for word in ["hold ", "no longer", "no date", "left the register", "the merge", "did not"] {
        assert!(!french.contains(word), "“{word}” in a French message: {french}");
    }
}

#[test]
fn a_flagged_file_is_refused_in_the_language_of_the_message() {
    let flags = [
        BatchFlag::Held { hold: "H-2026-0001".into(), reason: "Litige".into() },
        BatchFlag::NoLongerDue { due_on: Some("2036-06-30".into()) },
        BatchFlag::NoLongerDue { due_on: None },
        BatchFlag::Gone,
    ];
    for flag in flags {
        let error = greffier_core::DispositionError::FlaggedFile {
            reference: "D-1".into(),
            batch: "LOT-2026-0001".into(),
            flag: flag.clone(),
        };
        let french = error.french();
        assert_no_english(&french);
        assert!(french.contains(&flag.describe(greffier_core::Lang::Fr)), "{french}");
        assert!(error.to_string().contains(&flag.describe(greffier_core::Lang::En)), "{error}");
        assert_ne!(flag.describe(greffier_core::Lang::Fr), flag.describe(greffier_core::Lang::En), "{flag:?}");
    }
    let no_date = BatchFlag::NoLongerDue { due_on: None }.describe(greffier_core::Lang::Fr);
    assert!(no_date.contains("aucune date"), "{no_date}");
}

#[test]
fn the_due_list_filters_by_a_class_and_its_subclasses() {
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    // 500-10 has 500-10-05 (rule 5010) and 500-10-10 (rule 5020) under it; 500-40-15 is a
    // class of its sibling 500-40.
    file(&mut vault, &admin, "S-1", "500-10-05", "Demande de service", "2015-06-30");
    file(&mut vault, &admin, "P-1", "500-10-10", "Plainte", "2015-06-30");
    file(&mut vault, &admin, "R-1", "500-40-15", "Revue de presse", "2015-06-30");
    let by_class = |vault: &Vault, class: &str| {
        let query = DueQuery { class: Some(class.into()), ..until_today() };
        let page = vault.due_files(&admin, &query, 0, 50).expect("due");
        let mut listed: Vec<String> = page.files.iter().map(|f| f.reference.clone()).collect();
        listed.sort();
        let (exported, csv) = due_csv(vault, &admin, &query, greffier_core::Lang::Fr);
        let mut rows: Vec<String> =
            csv.lines().skip(1).map(|line| line.split(',').next().unwrap_or_default().to_owned()).collect();
        rows.sort();
        assert_eq!((page.total, exported), (listed.len() as u64, listed.len() as u64), "count, page and CSV agree");
        assert_eq!(rows, listed, "the CSV lists what the page does");
        assert_eq!(vault.due_count(&admin, &query).expect("count"), page.total);
        listed
    };
    assert_eq!(by_class(&vault, "500-10"), ["P-1", "S-1"], "the class's subclasses are in, its sibling out");
    assert_eq!(by_class(&vault, "500-10-05"), ["S-1"]);
    assert_eq!(by_class(&vault, "500"), ["P-1", "R-1", "S-1"], "the whole branch, two levels down");
    assert_eq!(by_class(&vault, "500-40"), ["R-1"]);
    assert_eq!(by_class(&vault, "500-30"), Vec::<String>::new());
    assert_eq!(vault.due_count(&admin, &until_today()).expect("count"), 3, "no class: every file");
    let err = vault
        .due_count(&admin, &DueQuery { class: Some("999-99".into()), ..until_today() })
        .expect_err("an unknown class is refused, not an empty list");
    assert_eq!(err.code(), ErrorCode::UnknownClass);

    // A hold on the class holds the same files the filter selects (the same branch).
    let hold = vault
        .place_hold(&admin, HoldTarget::Class("500-10".into()), HoldKind::Audit, "Vérification", None)
        .expect("hold");
    let held: Vec<String> = vault
        .due_files(&admin, &until_today(), 0, 50)
        .expect("due")
        .files
        .into_iter()
        .filter(|f| f.held_by.as_deref() == Some(hold.number.as_str()))
        .map(|f| f.reference)
        .collect();
    let mut held = held;
    held.sort();
    assert_eq!(held, by_class(&vault, "500-10"));
    vault.release_hold(&admin, &hold.number, "Terminée").expect("released");

    // The PDF's data and a proposal from the filter keep to the class.
    let query = DueQuery { class: Some("500-10".into()), ..until_today() };
    let report = vault.due_report(&admin, &query, greffier_core::Lang::Fr).expect("report");
    assert_eq!((report.total, report.class.as_deref()), (2, Some("500-10")));
    let batch = vault.propose_due(&archivist, BatchKind::Destruction, &query, 100, "").expect("proposed");
    let mut proposed: Vec<String> =
        vault.batch_files(&admin, &batch.number).expect("files").into_iter().map(|f| f.reference).collect();
    proposed.sort();
    assert_eq!(proposed, ["P-1", "S-1"], "R-1 is of another class");

    // A project's files, alone and with the other filters.
    vault
        .add_project(
            &admin,
            greffier_core::NewProject {
                code: "MANDAT-7".into(),
                name: "Mandat".into(),
                owner: ADMIN.into(),
                sensitivity: greffier_core::Sensitivity::Internal,
            },
        )
        .expect("project");
    let draft = FileDraft {
        reference: "M-1".into(),
        class: "500-10-10".into(),
        project: Some("MANDAT-7".into()),
        title: "Plainte du mandat".into(),
        dates: FileDates {
            opened_on: Some(date("2010-01-04")),
            closed_on: Some(date("2015-06-30")),
            ..Default::default()
        },
        ..Default::default()
    };
    vault.create_file(&admin, draft).expect("file created");
    let count = |project: &str, class: Option<&str>, kind: Option<DueKind>| {
        let query = DueQuery { project: Some(project.into()), class: class.map(str::to_owned), kind, ..until_today() };
        let page = vault.due_files(&admin, &query, 0, 50).expect("due");
        assert_eq!(page.files.len() as u64, page.total);
        page.files.into_iter().map(|f| f.reference).collect::<Vec<_>>()
    };
    assert_eq!(count("MANDAT-7", None, None), ["M-1"]);
    assert_eq!(count("MANDAT-7", Some("500-10"), None), ["M-1"]);
    assert_eq!(count("MANDAT-7", Some("500-40"), None), Vec::<String>::new());
    let kind = vault.file(&admin, "M-1").expect("M-1").due.disposition;
    let other = if kind == greffier_core::Disposition::Destroy { DueKind::Transfer } else { DueKind::Destruction };
    assert_eq!(count("MANDAT-7", Some("500"), Some(other)), Vec::<String>::new(), "M-1 is not {other:?}");
    assert_eq!(count("AUCUN", None, None), Vec::<String>::new(), "an unknown project has no files");
    assert_eq!(vault.due_count(&admin, &until_today()).expect("count"), 4, "no filter: every file");
}

#[test]
fn a_due_file_says_which_event_started_its_clock_and_when() {
    let fixture = Fixture::new();
    let (mut vault, admin, _) = setup(&fixture);
    file(&mut vault, &admin, "C-1", "500-40-15", "Fermé", "2015-06-30");
    // Rule 5090 (500-30-15) starts at the last activity: 3 years, then destroyed.
    vault
        .create_file(
            &admin,
            FileDraft {
                reference: "A-1".into(),
                class: "500-30-15".into(),
                title: "Compte d'usager".into(),
                dates: FileDates {
                    opened_on: Some(date("2010-01-04")),
                    closed_on: Some(date("2020-03-31")),
                    last_activity_on: Some(date("2019-02-15")),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .expect("file");
    let closed = due_file(&vault, &admin, "C-1");
    assert_eq!(closed.trigger, greffier_core::TriggerEvent::FileClosed);
    assert_eq!(closed.trigger_date.as_deref(), Some("2015-06-30"));
    let active = due_file(&vault, &admin, "A-1");
    assert_eq!(active.trigger, greffier_core::TriggerEvent::LastActivity);
    assert_eq!(active.trigger_date.as_deref(), Some("2019-02-15"), "the last activity, not the closing");
    assert_eq!(active.due_on, "2022-02-15");
    // What the due list says is what the file's explanation says.
    for due in [&closed, &active] {
        let record = vault.file(&admin, &due.reference).expect("file");
        assert_eq!(record.explanation.trigger, due.trigger, "{}", due.reference);
        assert_eq!(record.due.trigger_date.map(|d| d.to_string()), due.trigger_date, "{}", due.reference);
    }
    // The exports name the event in the language asked for, in the last two columns.
    let (_, csv) = due_csv(&vault, &admin, &until_today(), greffier_core::Lang::Fr);
    let header = csv.lines().next().expect("header");
    assert!(header.ends_with(",trigger,trigger_date"), "{header}");
    let line = csv.lines().find(|l| l.starts_with("A-1,")).expect("A-1");
    assert!(line.ends_with(",dernière activité,2019-02-15"), "{line}");
    let (_, csv) = due_csv(&vault, &admin, &until_today(), greffier_core::Lang::En);
    let line = csv.lines().find(|l| l.starts_with("C-1,")).expect("C-1");
    assert!(line.ends_with(",file closed,2015-06-30"), "{line}");
}

#[test]
fn an_execution_reports_its_phases_in_order_with_the_final_counts() {
    use greffier_core::disposition::{ExecutionPhase, ExecutionProgress};
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    for n in 1..=3 {
        file(&mut vault, &admin, &format!("D-{n}"), "500-40-15", "À détruire", "2015-06-30");
    }
    file(&mut vault, &admin, "T-1", "100-30-10", "À verser", "2015-06-30");
    file(&mut vault, &admin, "T-2", "100-30-10", "Rouvert", "2015-06-30");
    let phases = |events: &[ExecutionProgress]| {
        let mut phases: Vec<ExecutionPhase> = events.iter().map(|e| e.phase).collect();
        phases.dedup();
        phases
    };
    let last_of = |events: &[ExecutionProgress], phase: ExecutionPhase| {
        events.iter().rev().find(|e| e.phase == phase).map(|e| (e.done, e.total))
    };

    let batch = vault.propose_batch(&admin, BatchKind::Destruction, &refs(&["D-1", "D-2", "D-3"]), "").expect("batch");
    vault.approve_batch(&archivist, &batch.number, "").expect("approved");
    let mut events = Vec::new();
    let report =
        vault.execute_batch_with_progress(&admin, &batch.number, "", &mut |p| events.push(p)).expect("executed");
    assert_eq!(report.files, 3);
    assert_eq!(
        phases(&events),
        [ExecutionPhase::Checking, ExecutionPhase::Files, ExecutionPhase::Index, ExecutionPhase::Checkpoint],
        "{events:?}"
    );
    assert_eq!(events.first().map(|e| (e.done, e.total)), Some((0, 3)), "{events:?}");
    assert_eq!(last_of(&events, ExecutionPhase::Checking), Some((3, 3)));
    assert_eq!(last_of(&events, ExecutionPhase::Files), Some((3, 3)), "every file done");
    assert!(events.iter().all(|e| e.done <= e.total || e.total == 0), "{events:?}");

    // A transfer has no checkpoint; a file left out is not counted among those done.
    let transfer = vault.propose_batch(&archivist, BatchKind::Transfer, &refs(&["T-1", "T-2"]), "").expect("batch");
    vault.approve_batch(&admin, &transfer.number, "").expect("approved");
    vault.reopen_file(&admin, "T-2").expect("reopened");
    let mut events = Vec::new();
    let report =
        vault.execute_batch_with_progress(&archivist, &transfer.number, "", &mut |p| events.push(p)).expect("executed");
    assert_eq!((report.files, report.left_out.len()), (1, 1));
    assert_eq!(phases(&events), [ExecutionPhase::Checking, ExecutionPhase::Files, ExecutionPhase::Index]);
    assert_eq!(last_of(&events, ExecutionPhase::Checking), Some((2, 2)), "both approved files checked");
    assert_eq!(last_of(&events, ExecutionPhase::Files), Some((1, 1)), "one transferred");
}

/// Destroys a batch of 20 files per canary, in rounds, with `hook` on while each executes, and
/// checks each round finishes and leaves no trace of its canary.
fn destroy_in_rounds(prefix: &str, canaries: &[&str], hook: fn(bool)) {
    let fixture = Fixture::new();
    let (mut vault, admin, archivist) = setup(&fixture);
    file(&mut vault, &admin, "KEPT-1", "500-10-05", "Gardé", "2025-06-30");
    for (round, canary) in canaries.iter().enumerate() {
        let references: Vec<String> = (0..20).map(|i| format!("{prefix}{round}-{i:02}")).collect();
        for reference in &references {
            // A confidential class: the residual record does not keep the title.
            file(&mut vault, &admin, reference, "500-10-05", &format!("{canary} {reference}"), "2015-06-30");
        }
        let batch = vault.propose_batch(&admin, BatchKind::Destruction, &references, "").expect("batch");
        vault.approve_batch(&archivist, &batch.number, "").expect("approved");
        // The batch's documents share a segment with the files kept, so the purge must rewrite it.
        testing::merge_whole_index(&vault);
        hook(true);
        let executed = vault.execute_batch(&archivist, &batch.number, "");
        hook(false);
        let report = executed.unwrap_or_else(|e| panic!("round {round}: {}", e.message(greffier_core::Lang::En)));
        assert_eq!((report.files, report.batch.state), (20, BatchState::Executed), "round {round}");
        assert_eq!(traces(&fixture, &vault, &admin, &[canary]), Vec::<String>::new(), "round {round}");
    }
}

#[test]
fn a_destruction_finishes_when_tantivy_merged_the_segments_it_must_rewrite_under_it() {
    destroy_in_rounds("U", &["Frimoussette", "Gargantuesque"], testing::merged_under_purge);
}

#[test]
fn a_destruction_waits_for_merges_tantivy_started_on_the_segments_it_must_rewrite() {
    // A few rounds: without waiting, the purge's merge and the one in flight race, and
    // whichever ends second fails or leaves its files behind.
    destroy_in_rounds(
        "M",
        &["Vermillonoxe", "Tartempionix", "Zigouilluxe", "Brindezingue"],
        testing::merge_in_flight_at_purge,
    );
}

#[test]
fn a_due_list_export_reports_its_progress_and_one_cancelled_or_failed_leaves_the_older_file() {
    let fixture = Fixture::new();
    let (mut vault, admin, _) = setup(&fixture);
    file(&mut vault, &admin, "S-1", "500-10-05", "Demande de service", "2015-06-30");
    file(&mut vault, &admin, "P-1", "500-10-10", "Plainte à Lévis", "2015-06-30");
    let exports = tempfile::tempdir().expect("a folder for the exports");
    for format in [greffier_core::RegisterFormat::Csv, greffier_core::RegisterFormat::Xlsx] {
        let target = exports.path().join(match format {
            greffier_core::RegisterFormat::Csv => "échéances.csv",
            greffier_core::RegisterFormat::Xlsx => "échéances.xlsx",
        });
        // Cancelled at its first report: nothing written, the older file as it was, nothing beside it.
        std::fs::write(&target, "an older export").expect("older");
        let mut heard = Vec::new();
        let err = vault
            .export_due(&admin, &until_today(), greffier_core::Lang::Fr, format, &target, &mut |done, total| {
                heard.push((done, total));
                false
            })
            .expect_err("cancelled");
        assert_eq!((err.code(), heard), (ErrorCode::Cancelled, vec![(0, 2)]), "{format:?}");
        assert_eq!(std::fs::read_to_string(&target).expect("older"), "an older export");
        assert_eq!(std::fs::read_dir(exports.path()).expect("list").count(), 1, "no temporary file left");
        // Whole: from nothing to the two due files, the older file replaced.
        let mut heard = Vec::new();
        let count = vault
            .export_due(&admin, &until_today(), greffier_core::Lang::Fr, format, &target, &mut |done, total| {
                heard.push((done, total));
                true
            })
            .expect("export");
        assert_eq!((count, heard), (2, vec![(0, 2), (2, 2)]), "{format:?}");
        assert_ne!(std::fs::read(&target).expect("export"), b"an older export");
        std::fs::remove_file(&target).expect("removed");
    }
    // A folder that does not exist: refused, nothing written anywhere.
    let nowhere = exports.path().join("absent").join("échéances.csv");
    let csv = greffier_core::RegisterFormat::Csv;
    let err = vault
        .export_due(&admin, &until_today(), greffier_core::Lang::Fr, csv, &nowhere, &mut |_, _| true)
        .expect_err("no such folder");
    assert_eq!(err.code(), ErrorCode::Io, "{err}");
    assert!(!nowhere.exists());
    // Each export is audited with its count and filter (the cancelled ones are not).
    let exports: Vec<serde_json::Value> = vault
        .recent_audit(&admin, 20)
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "due.export")
        .filter_map(|e| e.details)
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert!(exports.iter().all(|d| d["files"] == 2 && d["query"]["until"] == "2026-11-23"), "{exports:?}");
}
