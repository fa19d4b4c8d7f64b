//! The plan and its rules as spreadsheets: real files as French Excel writes them (Windows-1252,
//! semicolons, day-first dates), an XLSX workbook written with rust_xlsxwriter, broken files
//! (every problem named by row and column, the vault unchanged), and the CSV and XLSX round trips.

mod common;

use chrono::NaiveDate;
use common::*;
use greffier_core::{
    CopyKind, Disposition, ErrorCode, Lang, Period, PlanFormat, Secret, Session, TriggerEvent, UserMessage, Vault,
};

const BANQ: &str = include_str!("data/retention-schedule-banq.xml");

fn admin_vault(fixture: &Fixture) -> (Vault, Session) {
    let vault = fixture.create();
    let admin = vault.sign_in(ADMIN, &Secret::new(ADMIN_PASSWORD)).expect("admin signs in");
    (vault, admin)
}

/// Rows in each table of the plan and the schedule, and the audit events.
fn rows(fixture: &Fixture, vault: &Vault) -> [i64; 6] {
    let raw = fixture.raw(vault.vault_id());
    [
        "plan_classes",
        "retention_rules",
        "retention_rule_versions",
        "retention_copies",
        "retention_version_classes",
        "audit_events WHERE action = 'plan.import'",
    ]
    .map(|table| raw.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).expect("count"))
}

/// Text as French Excel saves "CSV (séparateur : point-virgule)": Windows-1252, CRLF.
fn windows_1252(text: &str) -> Vec<u8> {
    let text = text.replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the test text fits Windows-1252");
    bytes.into_owned()
}

const HR_CSV: &str = "\
Type;Code;Parent;Titre FR;Titre EN;Note FR;Exemples;Active;Règle;Classes;Titre de la série;Entrée en vigueur;Déclencheur;Exemplaire;Période active;Période semi-active;Disposition;Référence légale;Remarques générales
classe;300;;Ressources humaines;Human resources;Gestion du personnel de l'organisme.;;oui;;;;;;;;;;;
classe;300-10;300;Dossiers d'employés;Employee files;Un dossier par employé, de l'embauche au départ.;Contrat; évaluations; mutations;oui;;;;;;;;;;;
classe;300-20;300;Rémunération;Pay;;;oui;;;;;;;;;;;
règle;;;;;;;;3010;300-10;Dossiers d'employés;01/01/2027;fin_contrat;P;999;75 ans;C;Loi sur les normes du travail, art. 123;Verser un échantillon « représentatif ».
règle;;;;;;;;3010;;;;;S;2;0;D;;
règle;;;;;;;;3020;300-20;Paie et avantages sociaux;2027-01-01;;P;3;4 ans;D;;
règle;;;;;;;;3020;;;;;S;18 mois;0;détruire;;
";

#[test]
fn a_windows_1252_semicolon_csv_from_french_excel_imports() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    // The examples cell holds semicolons: a real file quotes it.
    let text = HR_CSV.replace("Contrat; évaluations; mutations", "\"Contrat; évaluations; mutations\"");
    let report = vault.import_plan(&admin, PlanFormat::Csv, &windows_1252(&text)).expect("the HR plan imports");
    assert_eq!(
        (report.classes, report.classes_created, report.schedule.created, report.schedule.copies),
        (3, 3, 2, 4),
        "three classes, two rules, four copies"
    );
    let classes = vault.list_classes(&admin).expect("classes");
    let codes: Vec<(&str, u32)> = classes.iter().map(|c| (c.code.as_str(), c.depth)).collect();
    assert_eq!(codes, [("300", 0), ("300-10", 1), ("300-20", 1)]);
    let employees = &classes[1];
    assert_eq!(employees.title_fr, "Dossiers d'employés", "accents read from Windows-1252");
    assert_eq!(employees.examples, "Contrat; évaluations; mutations");
    assert_eq!(classes[0].title_fr, "Ressources humaines");
    assert_eq!(employees.rules, ["3010"]);

    let rule = vault.rule(&admin, "3010").expect("3010");
    let version = &rule.versions[0];
    assert_eq!(version.effective_date, NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"), "DD/MM/YYYY");
    let c = &version.content;
    assert_eq!(c.trigger, TriggerEvent::ContractEnded);
    assert_eq!(c.general_remarks, "Verser un échantillon « représentatif ».");
    let copies: Vec<_> = c.copies.iter().map(|k| (k.kind, k.active, k.semi_active, k.disposition)).collect();
    assert_eq!(
        copies,
        [
            (CopyKind::Principal, Period::WhileInUse, Period::Years(75), Disposition::Keep),
            (CopyKind::Secondary, Period::Years(2), Period::Years(0), Disposition::Destroy),
        ]
    );
    let pay = vault.rule(&admin, "3020").expect("3020");
    assert_eq!(pay.versions[0].content.copies[1].active, Period::Months(18));
    assert_eq!(pay.versions[0].content.trigger, TriggerEvent::FileClosed, "an empty trigger is the file's closing");

    // The same file again changes nothing; one import event each time.
    let again = vault.import_plan(&admin, PlanFormat::Csv, &windows_1252(&text)).expect("again");
    assert_eq!((again.classes_unchanged, again.schedule.unchanged), (3, 2));
    assert_eq!(rows(&fixture, &vault)[5], 2);
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn an_xlsx_workbook_in_english_imports() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let classes = workbook.add_worksheet();
    classes.set_name("Classes").expect("name");
    for (row, cells) in [
        ["Code", "Parent", "Title FR", "Title EN", "Active"],
        ["400", "", "Affaires juridiques", "Legal affairs", "yes"],
        ["400-10", "400", "Litiges", "Litigation", "yes"],
    ]
    .iter()
    .enumerate()
    {
        for (column, text) in cells.iter().enumerate() {
            classes.write_string(row as u32, column as u16, *text).expect("write");
        }
    }
    let rules = workbook.add_worksheet();
    rules.set_name("Rules").expect("name");
    for (column, text) in [
        "Rule",
        "Classes",
        "Series title",
        "Effective date",
        "Copy",
        "Active period",
        "Semi-active period",
        "Disposition",
    ]
    .iter()
    .enumerate()
    {
        rules.write_string(0, column as u16, *text).expect("write");
    }
    // As a person types them in Excel: numbers as numbers, the date as a date.
    rules.write_string(1, 0, "4010").expect("write");
    rules.write_string(1, 1, "400-10").expect("write");
    rules.write_string(1, 2, "Dossiers de litige").expect("write");
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 3, 15).expect("date");
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    rules.write_datetime_with_format(1, 3, &date, &format).expect("write");
    rules.write_string(1, 4, "P").expect("write");
    rules.write_number(1, 5, 888).expect("write");
    rules.write_number(1, 6, 10).expect("write");
    rules.write_string(1, 7, "T").expect("write");
    let bytes = workbook.save_to_buffer().expect("xlsx");

    let report = vault.import_plan(&admin, PlanFormat::Xlsx, &bytes).expect("the workbook imports");
    assert_eq!((report.classes_created, report.schedule.created), (2, 1));
    let rule = vault.rule(&admin, "4010").expect("4010");
    let version = &rule.versions[0];
    assert_eq!(version.effective_date, NaiveDate::from_ymd_opt(2027, 3, 15).expect("date"), "an Excel date cell");
    let copy = &version.content.copies[0];
    assert_eq!(
        (copy.active, copy.semi_active, copy.disposition),
        (Period::UntilEvent, Period::Years(10), Disposition::Sort)
    );
    assert_eq!(vault.class(&admin, "400-10").expect("class").title_en, "Litigation");
}

/// A broken file: what is wrong, its bytes, and the (row, column) of every problem it must list.
type Broken = (&'static str, Vec<u8>, &'static [&'static str]);

#[test]
fn broken_files_list_every_problem_by_row_and_column_and_change_nothing() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    let csv = |text: &str| text.as_bytes().to_vec();
    let cases: Vec<Broken> = vec![
        (
            "an unknown parent, a duplicate code, an unreadable period, an unknown disposition, a bad date",
            csv("Kind,Code,Parent,Title FR,Rule,Classes,Series title,Effective date,Copy,Active period,Semi-active period,Disposition\n\
                 class,100,,Administration,,,,,,,,\n\
                 class,100-10,900,Comités,,,,,,,,\n\
                 class,100,,Administration encore,,,,,,,,\n\
                 rule,,,,0001,100,Procès-verbaux,31/02/2027,P,cinq ans,2,D\n\
                 rule,,,,0001,,,,S,1,0,X\n"),
            &[
                "row 3, column “Parent”: the parent 900 is neither in the file nor in the plan",
                "row 4, column “Code”: the class 100 is already on row 2",
                "row 5, column “Active period”: “cinq ans” is not a period",
                "row 6, column “Disposition”: “X” is not a disposition",
                "row 5, column “Effective date”: “31/02/2027” is not a date",
            ],
        ),
        (
            "French headers, a code that does not continue its parent, an unknown class in a rule",
            windows_1252(
                "Type;Code;Parent;Titre FR;Règle;Classes;Titre de la série;Exemplaire;Période active;Période semi-active;Disposition\n\
                 classe;200;;Finances;;;;;;;\n\
                 classe;210-5;200;Budget;;;;;;;\n\
                 règle;;;;0002;\"200; 999-9\";Budgets;P;2;3;D\n",
            ),
            &[
                "row 3, column “Parent”: the code 210-5 does not continue its parent's code 200",
                "row 4, column “Classes”: the class 999-9 is neither in the file nor in the plan",
            ],
        ),
        (
            "an unknown column, a missing title, a rule's columns that disagree, a flag",
            csv("Kind,Code,Title FR,Couleur,Active,Rule,Classes,Series title,Copy,Active period,Semi-active period,Disposition\n\
                 class,500,,bleu,peut-être,,,,,,,\n\
                 rule,,,,,0005,500,Dossiers,P,1,1,D\n\
                 rule,,,,,0005,500,Autres dossiers,S,1,0,D\n"),
            &[
                "row 1, column “Couleur”: not a column of the plan format",
                "row 2, column “Title FR”: empty",
                "row 2, column “Active”: “peut-être” is not yes or no",
                "row 4, column “Series title”: “Autres dossiers” differs from “Dossiers” on row 3",
            ],
        ),
        (
            "a class cell on a rule row, a missing copy, a bad kind",
            csv("Kind,Code,Title FR,Rule,Classes,Series title,Copy,Active period,Semi-active period,Disposition\n\
                 rule,600,,0006,,Dossiers,,1,1,D\n\
                 chose,600,Six,,,,,,,\n"),
            &[
                "row 2, column “Code”: this column is not for a rule row",
                "row 2, column “Copy”: empty",
                "row 2, column “Classes”: empty",
                "row 3, column “Kind”: “chose” is not a kind of row",
            ],
        ),
        (
            "a note and a rule's remarks longer than a cell of an XLSX sheet holds",
            csv(&format!(
                "Kind,Code,Title FR,Scope note FR,Rule,Classes,Series title,Copy,Active period,Semi-active period,Disposition,General remarks\n\
                 class,700,Sept,{long},,,,,,,,\n\
                 rule,,,,0007,700,Dossiers,P,1,1,D,{long}\n",
                long = "é".repeat(32_768)
            )),
            &[
                "row 2, column “Scope note FR”: 32768 characters, where a cell of the plan holds at most 32767",
                "row 3, column “General remarks”: 32768 characters",
            ],
        ),
    ];
    let before = rows(&fixture, &vault);
    for (what, bytes, expected) in cases {
        let error = vault.import_plan(&admin, PlanFormat::Csv, &bytes).expect_err(what);
        assert_eq!(error.code(), ErrorCode::PlanFileInvalid, "{what}: {error}");
        let en = error.message(Lang::En);
        for needle in expected {
            assert!(en.contains(needle), "{what}: {needle:?} missing from:\n{en}");
        }
        assert!(
            en.contains(&format!("The file has {} problems; nothing was imported", expected.len())),
            "{what}: every problem, and only those, counted:\n{en}"
        );
        let fr = error.message(Lang::Fr);
        assert!(fr.contains("ligne ") && fr.contains("colonne « ") && fr.contains("rien n'a été importé"), "{fr}");
        assert_eq!(rows(&fixture, &vault), before, "{what}: nothing may be half-imported");
    }

    // A quote opened and never closed, and a workbook that is not one, and an empty file.
    let open = "Kind;Code;Title FR\nclass;900;\"Ouverte\nclass;901;Avalée\n";
    let error = vault.import_plan(&admin, PlanFormat::Csv, open.as_bytes()).expect_err("unclosed");
    assert_eq!(error.code(), ErrorCode::PlanFileUnreadable, "{error}");
    assert!(error.message(Lang::En).starts_with("Line 2 opens a quoted cell"), "{error}");
    assert!(error.message(Lang::Fr).contains("jamais fermée"), "{error}");
    assert_eq!(rows(&fixture, &vault), before);
    // A file far larger than any plan (a register picked by mistake) is refused unread.
    let big = fixture.dir.path().join("registre été.csv");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(greffier_core::MAX_PLAN_FILE_BYTES + 1).expect("size");
    let error = PlanFormat::read_file(&big).expect_err("too large");
    assert_eq!(error.code(), ErrorCode::PlanFileTooLarge, "{error}");
    assert!(error.message(Lang::En).starts_with("The file is 33 MB, and a plan file is at most 32 MB"), "{error}");
    assert!(error.message(Lang::Fr).starts_with("Le fichier fait 33 Mo"), "{error}");
    let bytes = vec![b'x'; greffier_core::MAX_PLAN_FILE_BYTES as usize + 1];
    let error = vault.import_plan(&admin, PlanFormat::Csv, &bytes).expect_err("too large");
    assert_eq!(error.code(), ErrorCode::PlanFileTooLarge, "{error}");
    assert_eq!(rows(&fixture, &vault), before);
    let small = fixture.dir.path().join("plan été.CSV");
    std::fs::write(&small, "Kind;Code;Title FR\nclass;900;Titre\n").expect("write");
    assert_eq!(PlanFormat::read_file(&small).expect("a plan is read").0, PlanFormat::Csv);
    let missing = PlanFormat::read_file(&fixture.dir.path().join("absent.xlsx")).expect_err("missing");
    assert_eq!(missing.code(), ErrorCode::Io);
    assert!(
        missing
            .message(Lang::Fr)
            .ends_with("absent.xlsx : introuvable. Vérifiez que le fichier existe et que vous pouvez le lire."),
        "{missing}"
    );
    assert!(
        missing
            .message(Lang::En)
            .ends_with("absent.xlsx: not found. Check that the file exists and that you may read it."),
        "{missing}"
    );
    let error = vault.import_plan(&admin, PlanFormat::Xlsx, b"PK not really a zip").expect_err("not xlsx");
    assert_eq!(error.code(), ErrorCode::PlanFileUnreadable, "{error}");
    let error = vault.import_plan(&admin, PlanFormat::Csv, b"\xEF\xBB\xBF\r\n;;;\r\n").expect_err("empty");
    assert_eq!(error.code(), ErrorCode::PlanFileEmpty, "{error}");

    // Many problems: the first hundred are listed, and the count says how many there were.
    let mut many = String::from("Kind,Code,Title FR\n");
    for n in 0..150 {
        many.push_str(&format!("class,bad code {n},Titre\n"));
    }
    let error = vault.import_plan(&admin, PlanFormat::Csv, many.as_bytes()).expect_err("many");
    let en = error.message(Lang::En);
    assert!(en.contains("The file has 150 problems") && en.contains("… and 50 more."), "{en}");
    assert_eq!(en.matches("\n  - ").count(), 100);
    assert_eq!(rows(&fixture, &vault), before);
}

/// Everything a plan says, without row ids: each class, and each rule's current version.
fn plan_of(vault: &Vault, session: &Session) -> (Vec<String>, Vec<(String, NaiveDate, greffier_core::RuleContent)>) {
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
fn export_then_import_gives_an_identical_plan_in_csv_and_xlsx() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    vault.import_schedule_xml(&admin, BANQ.as_bytes()).expect("the real schedule");
    vault
        .import_plan(
            &admin,
            PlanFormat::Csv,
            &windows_1252(&HR_CSV.replace("Contrat; évaluations; mutations", "\"Contrat\névaluations\"")),
        )
        .expect("HR");
    // Give the plan what the round trip must carry: a retired class, months, a fixed date,
    // multi-line notes.
    vault.set_class_active(&admin, "300-20", false).expect("retire");
    let mut content = vault.rule(&admin, "0003").expect("0003").versions[0].content.clone();
    content.copies[0].semi_active = Period::Months(30);
    content.trigger = TriggerEvent::FixedDate { date: NaiveDate::from_ymd_opt(2031, 6, 30).expect("date") };
    vault
        .revise_rule(
            &admin,
            "0003",
            greffier_core::RuleRevision {
                effective_date: NaiveDate::from_ymd_opt(2027, 2, 1).expect("date"),
                note: String::new(),
                content,
            },
        )
        .expect("revise");
    let original = plan_of(&vault, &admin);
    assert_eq!(original.0.len(), 195);

    for (format, lang) in [
        (PlanFormat::Csv, Lang::Fr),
        (PlanFormat::Csv, Lang::En),
        (PlanFormat::Xlsx, Lang::Fr),
        (PlanFormat::Xlsx, Lang::En),
    ] {
        let bytes = vault.export_plan(&admin, format, lang).expect("export");
        let other = Fixture::new();
        let (mut second, second_admin) = admin_vault(&other);
        let report =
            second.import_plan(&second_admin, format, &bytes).unwrap_or_else(|e| panic!("{format:?} {lang:?}: {e}"));
        assert_eq!((report.classes_created, report.schedule.created), (195, 194), "{format:?} {lang:?}");
        assert_eq!(plan_of(&second, &second_admin), original, "{format:?} {lang:?}: export → import is lossless");
        // And into the vault it came from: nothing to change.
        let report = vault.import_plan(&admin, format, &bytes).expect("into itself");
        assert_eq!((report.classes_unchanged, report.schedule.unchanged), (195, 194), "{format:?} {lang:?}");
    }
    let csv = String::from_utf8(vault.export_plan(&admin, PlanFormat::Csv, Lang::Fr).expect("csv")).expect("UTF-8");
    assert!(csv.starts_with("\u{feff}Type;Code;Parent;Titre FR;"), "UTF-8 with a BOM and semicolons for French Excel");
    assert!(csv.contains("\r\nclasse;300-10;300;Dossiers d'employés;"), "{}", &csv[..400]);
    assert!(vault.verify_audit(&admin).expect("verify").is_intact());
}

#[test]
fn an_import_that_gives_a_class_another_parent_moves_its_files_in_the_search_index() {
    let fixture = Fixture::new();
    let (mut vault, admin) = admin_vault(&fixture);
    vault.import_sample_plan(&admin).expect("sample plan");
    vault
        .create_file(
            &admin,
            greffier_core::FileDraft {
                reference: "P-1".into(),
                class: "500-40-15".into(),
                title: "Revue de presse de l'été".into(),
                ..Default::default()
            },
        )
        .expect("file");
    let found = |vault: &Vault, class: &str| -> Vec<String> {
        let filter = greffier_core::FileFilter { class: Some(class.into()), ..Default::default() };
        let page = vault.search_files(&admin, &filter, 0, 10, false).expect("search");
        page.hits.into_iter().map(|h| h.row.reference).collect()
    };
    assert_eq!(found(&vault, "500-40"), ["P-1"], "under its parent before the import");
    // The same class, its parent now the section itself (a code may skip a level).
    let sheet = "Type;Code;Parent;Titre FR;Titre EN\r\nclasse;500-40-15;500;Revue de presse;Press clippings\r\n";
    let report = vault.import_plan(&admin, PlanFormat::Csv, sheet.as_bytes()).expect("imports");
    assert_eq!(report.classes_updated, 1, "{report:?}");
    assert!(found(&vault, "500-40").is_empty(), "the index no longer files it under its old parent");
    assert_eq!(found(&vault, "500"), ["P-1"], "and still under the section");
}
