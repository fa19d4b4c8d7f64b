//! The real desktop app, built by `cargo build --workspace`, under Xvfb, driven through
//! tauri-driver and WebKitWebDriver, with a real Secret Service (gnome-keyring on a private bus).
//! Each screen is saved as a PNG under `target/e2e/`.
//!
//! Needs `.tools/bin/tauri-driver` (`make test` installs it) and the packages xvfb, dbus,
//! gnome-keyring, libsecret-tools, webkit2gtk-driver, xdotool (the native save dialog is driven
//! with it) and imagemagick (pictures of the whole screen, dialogs included).
//!
//! The app runs with its own HOME, XDG data, cache and config folders and TMPDIR, so that once it
//! is closed every file it wrote, the webview's data folders included, can be read back and
//! searched for the canary words the test typed in.

use std::{
    collections::HashMap,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{
    actions::{InputSource, KeyAction, KeyActions},
    elements::Element,
    key::Key,
    Client, ClientBuilder, Locator,
};
use greffier_testkit::{ByteScan, Display, SecretService};

const ORGANISATION: &str = "Ville de Saint-Exemple";
const ADMIN: &str = "hcote";
const ADMIN_NAME: &str = "Hélène Côté";
const PASSWORD: &str = "mot de passe solide";
const PASSPHRASE: &str = "les archives de la ville sont en sûreté";
const APPROVER: &str = "mroy";
const APPROVER_PASSWORD: &str = "autre mot de passe solide";

/// A files sheet as French Excel users write one: French headers, semicolons, a description
/// with a line break inside its quotes, classes of the sample plan whose rule counts from the
/// file's closing (100-20-10: 999 then 2 years, sort; 100-20-05: 999 then 5 years, keep;
/// 300-20-05: 2 then 3 years, destroy; E2E-006, closed in 2018, is due for destruction), and one
/// title with “Québec” in it. E2E-001's description holds a canary word ([`CANARY_SHEET`]).
const FILES_SHEET: &str = "référence;classe;titre;description;ouverture;fermeture;sensibilité;support;mots-clés
E2E-001;100-20-10;Directive sur le télétravail;Version adoptée par la direction zqxvfichecanari;2019-01-15;2020-06-30;interne;numérique;télétravail
E2E-002;100-20-05;Politique de gestion documentaire;\"Adoptée par le conseil,
révisée en 2021\";2018-03-01;2021-12-31;interne;papier;politique, conseil
E2E-003;100-20-10;Procédure d’éclairage des rues de Québec;Procédure du Service des travaux publics;2017-05-02;2021-03-31;interne;hybride;éclairage
E2E-004;300-20-05;Concours pour un poste d’archiviste;Affichage, grilles de sélection et rapport du comité;2022-02-01;2022-09-30;personnel;numérique;dotation
E2E-005;300-20-05;Affichage d’un poste de commis à Lévis;;2023-04-03;;interne;papier;
E2E-006;300-20-05;Concours de 2015 pour un poste de greffier;Dossier de dotation clos;2015-01-05;2018-06-29;interne;papier;dotation
";

/// Canary words: typed in by the user (in the sheets imported, in a form), searched for in the
/// interface so that they pass through the webview, and then looked for in the raw bytes of every
/// file the app wrote: they must be found 0 times (the vault and its index are encrypted, and the
/// webview must not keep them).
const CANARY_SHEET: &str = "zqxvfichecanari";
const CANARY_PERSON: &str = "Vrbnikcanarinom";
const CANARY_IDENTIFIER: &str = "canariident774411";
const CANARY_FORM: &str = "zqxwformulairecanari";

/// A persons sheet: one person, with a canary name and identifier, on E2E-001.
const PERSONS_SHEET: &str = "dossier;nom;prénom;type_identifiant;identifiant
E2E-001;Vrbnikcanarinom;Anaïs;client_number;canariident774411
";

/// What the interface writes in clear on purpose in the webview's localStorage: the language
/// chosen (the key of `ui/src/lib/i18n/locale.svelte.ts`). The scan must find it, or it is not
/// looking where WebKit writes.
const LOCALE_STORAGE_KEY: &str = "greffier.locale";

/// The application identifier (`src-tauri/tauri.conf.json`): WebKitGTK's folders are named so.
const APP_IDENTIFIER: &str = "ca.greffier.desktop";

/// The title of the certificate's save dialog (French), `src-tauri/src/commands/app.rs`.
const CERTIFICATE_DIALOG: &str = "Enregistrer le certificat";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace")
}

/// The desktop app driven: `cargo build --workspace`'s, or another build named by
/// `GREFFIER_E2E_APP` (an absolute path).
fn application() -> PathBuf {
    std::env::var_os("GREFFIER_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/debug/greffier-desktop"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A program the test needs, or a clear message naming its package.
fn require(program: &str, arg: &str, package: &str) {
    let found = Command::new(program).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        found.is_ok_and(|status| status.success()),
        "`{program}` is missing: install the package {package} (`make test` installs it)"
    );
}

/// The folders the app is told to write in (HOME, XDG data, cache and config, TMPDIR), private
/// to the test, so that all the app writes outside its vault can be read back.
struct AppFolders {
    root: tempfile::TempDir,
}

impl AppFolders {
    fn new() -> AppFolders {
        let root = tempfile::tempdir().expect("app folders");
        let folders = AppFolders { root };
        for (_, dir) in folders.env() {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        folders
    }

    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let dir = |name: &str| self.root.path().join(name);
        vec![
            ("HOME", dir("home")),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("TMPDIR", dir("tmp")),
        ]
    }

    fn path(&self) -> &Path {
        self.root.path()
    }
}

/// The app's process (found by its binary and its vault, as tauri-driver's WebKitWebDriver
/// started it) and its environment.
fn app_process(application: &Path, vault: &Path) -> (u32, HashMap<String, String>) {
    let wanted = format!("GREFFIER_VAULT={}", vault.display());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            // By the binary's name: WebKit's own processes inherit the app's environment, and a
            // binary rebuilt meanwhile reads "… (deleted)".
            let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else { continue };
            let exe = exe.to_string_lossy().trim_end_matches(" (deleted)").to_owned();
            if Path::new(&exe).file_name() != application.file_name() {
                continue;
            }
            let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
            let env: HashMap<String, String> = environ
                .split(|b| *b == 0)
                .filter_map(|pair| {
                    let pair = String::from_utf8_lossy(pair);
                    pair.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned()))
                })
                .collect();
            if env.get("GREFFIER_VAULT").map(|v| format!("GREFFIER_VAULT={v}")).as_deref() == Some(wanted.as_str()) {
                return (pid, env);
            }
        }
        assert!(Instant::now() < deadline, "no greffier-desktop process with {wanted}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The processes a process started (WebKit's web and network processes, for the app).
fn children(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
        let parent = stat.rsplit_once(") ").and_then(|(_, rest)| rest.split(' ').nth(1)?.parse::<u32>().ok());
        if parent == Some(pid) {
            found.push(child);
        }
    }
    found
}

/// Waits until a process has left (readiness, not a delay).
fn wait_for_exit(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let proc = PathBuf::from(format!("/proc/{pid}"));
    // A zombie still has its /proc entry: its state is Z once its files are closed.
    while std::fs::read_to_string(proc.join("stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
    {
        assert!(Instant::now() < deadline, "the app or one of its WebKit processes (pid {pid}) did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// xdotool on the test's display; its output, or a failure with what it said.
fn xdotool(display: &Display, args: &[&str]) -> String {
    let out = Command::new("xdotool").args(args).env("DISPLAY", &display.name).output().expect("xdotool");
    assert!(
        out.status.success(),
        "xdotool {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Takes a picture of an X display into `file` (imagemagick's `import`); whether it could.
fn picture(display: &str, file: &Path) -> bool {
    Command::new("import")
        .args(["-window", "root"])
        .arg(file)
        .env("DISPLAY", display)
        .status()
        .expect("import (package imagemagick)")
        .success()
}

/// Waits until a visible top-level window of that exact title is on the display, and returns its id.
fn wait_for_window(display: &Display, title: &str) -> String {
    let pattern = format!("^{title}$");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // xdotool search exits 1 when nothing matches yet.
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", &pattern])
            .env("DISPLAY", &display.name)
            .output()
            .expect("xdotool");
        if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
            return id.trim().to_owned();
        }
        assert!(Instant::now() < deadline, "no window titled {title:?} on {}", display.name);
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until no window of that exact title is visible any more.
fn wait_for_no_window(display: &Display, title: &str) {
    let pattern = format!("^{title}$");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", &pattern])
            .env("DISPLAY", &display.name)
            .output()
            .expect("xdotool");
        if String::from_utf8_lossy(&out.stdout).trim().is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "the window {title:?} stayed open");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// tauri-driver, stopped with SIGTERM (SIGKILL would leave WebKitWebDriver holding its port).
struct Driver {
    child: Child,
    port: u16,
    /// The X display the app is on.
    display: String,
}

impl Driver {
    fn start(service: &SecretService, display: &Display, vault: &Path, folders: &AppFolders, log: &Path) -> Driver {
        let root = workspace();
        let binary =
            std::env::var_os("TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| root.join(".tools/bin/tauri-driver"));
        assert!(
            binary.exists(),
            "{} is missing: run `make test`, which installs tauri-driver into .tools/",
            binary.display()
        );
        let (port, native_port) = (free_port(), free_port());
        let log = std::fs::File::create(log).expect("driver log");
        let child = service
            .command(&binary)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display.name)
            .env("GREFFIER_VAULT", vault)
            .env("LANG", "C.UTF-8")
            // The keyring's bus stays the service's; the app writes in the test's own folders.
            .envs(folders.env())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port, display: display.name.clone() }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

struct App {
    client: Client,
    shots: PathBuf,
    count: u32,
    display: String,
}

impl App {
    async fn launch(driver: &Driver) -> App {
        let application = application();
        assert!(application.exists(), "build the app first: cargo build --workspace ({})", application.display());
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": application }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("WebDriver session");
        let shots = workspace().join("target/e2e");
        std::fs::create_dir_all(&shots).expect("screenshot folder");
        App { client, shots, count: 0, display: driver.display.clone() }
    }

    async fn find(&self, test_id: &str) -> Element {
        let css = format!("[data-testid=\"{test_id}\"]");
        let found = self.client.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(&css)).await;
        match found {
            Ok(element) => element,
            Err(e) => {
                // Keep a picture of the screen the element was missing from.
                picture(&self.display, &self.shots.join(format!("failure-{test_id}.png")));
                panic!("no element {test_id}: {e}")
            }
        }
    }

    async fn screen(&mut self, screen: &str, name: &str) {
        self.find(&format!("screen-{screen}")).await;
        self.shot(name).await;
    }

    async fn shot(&mut self, name: &str) {
        // Wait until fonts are in and two frames are painted, so the picture is the screen the
        // DOM holds (readiness, not a delay).
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.fonts.ready.then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
                vec![],
            )
            .await
            .expect("settle");
        // The display's picture, not WebDriver's: WebKit's snapshot for WebDriver never answers
        // when the window draws without compositing, as the app does (src-tauri/src/lib.rs).
        let display = self.display.clone();
        self.capture(&display, name);
    }

    /// A picture of the whole display, native dialogs included, taken without waiting for the
    /// page to settle (a native dialog holds the window's loop).
    fn shot_display(&mut self, display: &Display, name: &str) {
        self.capture(&display.name, name);
    }

    fn capture(&mut self, display: &str, name: &str) {
        self.count += 1;
        let file = self.shots.join(format!("{:02}-{name}.png", self.count));
        assert!(picture(display, &file), "import -window root failed");
    }

    /// Waits until a field's value is `value` (an answer from the native side may still be coming).
    async fn wait_for_value(&self, test_id: &str, value: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = self.find(test_id).await.prop("value").await.expect("value");
            if found.as_deref() == Some(value) {
                return;
            }
            assert!(Instant::now() < deadline, "{test_id} never held {value:?}: {found:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Searches the register and waits until the results are exactly these files.
    async fn search_register(&self, query: &str, references: &[&str]) {
        self.type_into("register-search", query).await;
        self.wait_for_rows(query, references).await;
    }

    /// Waits until the register's rows are exactly these files, in this order.
    async fn wait_for_rows(&self, query: &str, references: &[&str]) {
        let wanted: Vec<String> = references.iter().map(|r| format!("register-row-{r}")).collect();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let rows =
                self.client.find_all(Locator::Css("[data-testid^=\"register-row-\"]")).await.expect("result rows");
            let mut found = Vec::new();
            for row in rows {
                if let Ok(Some(id)) = row.attr("data-testid").await {
                    found.push(id);
                }
            }
            if found == wanted {
                return;
            }
            assert!(Instant::now() < deadline, "searching {query:?} never gave {wanted:?}: {found:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn type_into(&self, test_id: &str, text: &str) {
        let field = self.find(test_id).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks an element once it can take the click (a screen still laying itself out answers
    /// "not interactable" for a moment).
    async fn click(&self, test_id: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.find(test_id).await.click().await {
                Ok(()) => return,
                Err(e) if Instant::now() < deadline && e.to_string().contains("not interactable") => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => {
                    picture(&self.display, &self.shots.join(format!("failure-click-{test_id}.png")));
                    panic!("click {test_id}: {e}")
                }
            }
        }
    }

    async fn text(&self, test_id: &str) -> String {
        self.find(test_id).await.text().await.expect("text")
    }

    /// Waits until an element's text is non-empty and returns it.
    async fn message(&self, test_id: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text(test_id).await;
            if !text.trim().is_empty() {
                return text;
            }
            assert!(Instant::now() < deadline, "{test_id} stayed empty");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element's text contains `needle` (the screen may still be loading).
    async fn wait_for_text(&self, test_id: &str, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text(test_id).await;
            if text.contains(needle) {
                return;
            }
            assert!(Instant::now() < deadline, "{test_id} never said {needle:?}: {text:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses a key where the keyboard focus is (WebDriver actions, not an element's keys).
    /// The vertical `overflow` of the page's scroll areas outside any dialog (`scroll-area`), in
    /// the order of the document.
    async fn scroll_overflows(&self) -> Vec<String> {
        let script = "return [...document.querySelectorAll('.scroll-area')]
            .filter((e) => !e.closest('dialog'))
            .map((e) => getComputedStyle(e).overflowY);";
        let value = self.client.execute(script, vec![]).await.expect("the scroll areas' styles");
        serde_json::from_value(value).expect("a list of styles")
    }

    async fn press(&self, key: Key) {
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.client.perform_actions(actions).await.expect("press a key");
    }

    /// Waits until the element of `test_id` has the keyboard's focus.
    async fn wait_for_focus(&self, test_id: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let focused = self.client.active_element().await.expect("focused element");
            let found = focused.attr("data-testid").await.expect("its test id");
            if found.as_deref() == Some(test_id) {
                return;
            }
            assert!(Instant::now() < deadline, "{test_id} never had the focus: {found:?} had it");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element's attribute has a value (the screen may still be updating).
    async fn wait_for_attribute(&self, test_id: &str, name: &str, value: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = self.find(test_id).await.attr(name).await.expect("attribute");
            if found.as_deref() == Some(value) {
                return;
            }
            assert!(Instant::now() < deadline, "{test_id} never had {name}={value:?}: {found:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn sign_in(&self, password: &str) {
        self.sign_in_as(ADMIN, password).await;
    }

    async fn sign_in_as(&self, username: &str, password: &str) {
        self.type_into("signin-username", username).await;
        self.type_into("signin-password", password).await;
        self.click("signin-submit").await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_archivist_sets_up_locks_and_recovers_the_vault() {
    require("xdotool", "--version", "xdotool");
    require("import", "-version", "imagemagick");
    require("pdftotext", "-v", "poppler-utils");
    for canary in [CANARY_SHEET, CANARY_PERSON, CANARY_IDENTIFIER] {
        assert!(FILES_SHEET.contains(canary) || PERSONS_SHEET.contains(canary), "{canary} is in a sheet");
    }
    let service = SecretService::start();
    let display = Display::start();
    let vault_dir = tempfile::tempdir().expect("vault dir");
    let vault = vault_dir.path().join("coffre");
    let folders = AppFolders::new();
    std::fs::create_dir_all(workspace().join("target/e2e")).expect("mkdir");
    let driver = Driver::start(&service, &display, &vault, &folders, &workspace().join("target/e2e/tauri-driver.log"));
    let mut app = App::launch(&driver).await;

    // The app got the test's folders (through tauri-driver and WebKitWebDriver).
    let (app_pid, app_env) = app_process(&application(), &vault);
    for (key, dir) in folders.env() {
        assert_eq!(app_env.get(key).map(PathBuf::from), Some(dir), "the app's {key}");
    }

    // First run: the wizard, in French by default.
    app.find("wizard-organisation").await;
    app.screen("wizard", "wizard-fr").await;
    app.type_into("wizard-organisation", ORGANISATION).await;
    app.click("wizard-sample-plan").await;
    app.type_into("wizard-admin-username", ADMIN).await;
    app.type_into("wizard-admin-name", ADMIN_NAME).await;
    app.type_into("wizard-password", PASSWORD).await;
    app.type_into("wizard-password-confirm", PASSWORD).await;
    app.shot("wizard-administrator").await;
    app.click("wizard-next").await;
    app.type_into("wizard-passphrase", PASSPHRASE).await;
    app.click("wizard-next").await;
    let shown = app.message("wizard-passphrase-shown").await;
    assert!(shown.contains(PASSPHRASE), "the passphrase is shown once for the user to write down: {shown}");
    app.shot("wizard-passphrase-shown").await;
    app.type_into("wizard-passphrase-retype", PASSPHRASE).await;
    app.click("wizard-stored-checkbox").await;
    app.click("wizard-create").await;

    // The vault exists, encrypted, and its key is in the real keyring.
    app.screen("signin", "signin").await;
    let recovery: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vault.join("recovery.json")).expect("recovery.json")).expect("json");
    let account = format!("vault-{}", recovery["vault_id"].as_str().expect("vault id"));
    assert_eq!(service.lookup(&account).len(), 64, "the vault key is in gnome-keyring");
    let db = std::fs::read(vault.join("vault.db")).expect("vault.db");
    assert!(!db.starts_with(b"SQLite format 3"), "the vault is encrypted");

    // A wrong password is refused next to the form.
    app.sign_in("pas le bon mot de passe").await;
    let error = app.message("signin-error").await;
    assert!(error.contains("mot de passe"), "a French message: {error}");
    app.shot("signin-wrong-password").await;

    app.sign_in(PASSWORD).await;
    app.screen("home", "home-fr").await;
    assert!(app.text("header-user").await.contains(ADMIN_NAME));
    let lock_fr = app.text("header-lock").await;
    assert!(lock_fr.contains("Verrouiller"), "French labels by default: {lock_fr}");

    // English, then French again.
    app.click("lang-en").await;
    app.wait_for_text("header-lock", "Lock").await;
    assert!(!app.text("header-lock").await.contains("Verrouiller"), "English labels after the switch");
    app.shot("home-en").await;
    app.click("nav-settings").await;
    app.screen("settings-users", "settings-users-en").await;
    app.click("settings-tab-vault").await;
    app.screen("settings-vault", "settings-vault-en").await;
    app.click("check-start").await;
    let check = app.message("check-result").await;
    assert!(check.to_lowercase().contains("ok") || check.contains("intact"), "{check}");
    app.shot("settings-vault-check-en").await;

    // A backup to a file typed in (the Browse… dialog is native), with its progress.
    let backup = vault_dir.path().join("sauvegarde été.greffier");
    app.type_into("backup-path", backup.to_str().expect("utf-8 path")).await;
    app.click("backup-start").await;
    let result = app.message("backup-result").await;
    assert!(result.contains("sauvegarde été.greffier") || result.contains("SHA-256"), "{result}");
    // The path was disabled while the backup ran; the keyboard is back on the button.
    app.wait_for_focus("backup-start").await;
    let bytes = std::fs::read(&backup).expect("the backup file exists");
    assert!(bytes.starts_with(b"GREFFIER-BACKUP"), "a Greffier backup");
    app.shot("settings-vault-backup-en").await;
    app.click("lang-fr").await;
    app.wait_for_text("header-lock", "Verrouiller").await;
    app.shot("settings-vault-fr").await;

    // Lock, then unlock through the keyring.
    app.click("header-lock").await;
    app.screen("unlock", "unlock-fr").await;
    app.click("unlock-keyring").await;
    app.screen("signin", "signin-after-keyring").await;
    app.sign_in(PASSWORD).await;
    app.screen("home", "home-after-keyring").await;

    // The keyring entry is lost: the keyring no longer opens it, the recovery passphrase does.
    service.clear(&account);
    app.click("header-lock").await;
    app.find("screen-unlock").await;
    app.click("unlock-keyring").await;
    let error = app.message("unlock-error").await;
    assert!(error.contains("phrase de récupération"), "{error}");
    app.shot("unlock-keyring-missing").await;
    app.type_into("unlock-passphrase", PASSPHRASE).await;
    app.click("unlock-submit").await;
    app.screen("signin", "signin-after-passphrase").await;
    app.sign_in(PASSWORD).await;
    app.screen("home", "home-after-passphrase").await;
    assert_eq!(service.lookup(&account).len(), 64, "unlocking with the passphrase put the key back in the keyring");

    // The classification plan: import the real BAnQ schedule by its path (the Browse… dialog is
    // native), find class A120, revise its rule (principal copy, semi-active period 5 → 7 years)
    // and see version 2, with its note, in the rule's history. The interface is in French.
    app.click("nav-plan").await;
    app.screen("plan", "plan").await;
    app.wait_for_text("plan-summary", "116 classes").await;
    app.click("plan-tab-transfer").await;
    app.find("screen-plan-transfer").await;
    let schedule = workspace().join("crates/core/tests/data/retention-schedule-banq.xml");
    app.type_into("plan-import-path", schedule.to_str().expect("utf-8 path")).await;
    app.click("plan-import-start").await;
    let imported = app.message("plan-import-result").await;
    assert!(imported.contains("192"), "the schedule's 192 rules are imported: {imported}");
    app.shot("plan-import-result").await;

    app.click("plan-tab-classes").await;
    app.find("plan-tree").await;
    app.type_into("plan-search", "mission").await;
    app.click("plan-node-A120").await;
    let code = app.message("class-code").await;
    assert_eq!(code.trim(), "A120", "the class panel shows the class clicked");
    let history = app.message("rule-history").await;
    assert!(!history.contains("Version 2"), "an imported rule starts at version 1: {history}");
    app.find("class-explanation").await;
    app.shot("plan-class-a120").await;

    const NOTE: &str = "Nouvelle exigence du plan de gestion : 7 ans";
    app.click("rule-revise").await;
    app.find("revise-dialog").await;
    let before = app.find("revise-copy-0-semi-active-count").await.prop("value").await.expect("value");
    assert_eq!(before.as_deref(), Some("5"), "the principal copy is kept 5 years semi-active before the revision");
    app.type_into("revise-copy-0-semi-active-count", "7").await;
    app.type_into("revise-note", NOTE).await;
    let changes = app.message("revise-changes").await;
    assert!(changes.contains("7 ans"), "the dialog shows the change before it is sent: {changes}");
    app.shot("plan-revise-dialog").await;
    app.click("revise-submit").await;

    let version = app.message("rule-version-2").await;
    assert!(version.contains(NOTE), "the history shows version 2 with its note: {version}");
    let explanation = app.message("class-explanation").await;
    assert!(
        explanation.contains("version 2") && !explanation.contains("undefined"),
        "the explanation names the new version and its date: {explanation}"
    );
    assert!(app.text("rule-history").await.contains("Version 1"), "version 1 stays in the history");
    let copy = app.text("rule-copy-0").await;
    assert!(copy.contains("7 ans"), "the current version keeps the principal copy 7 years semi-active: {copy}");
    app.shot("plan-rule-history").await;

    // The schedule printed as PDF from the Import and export tab (its path typed in, Browse…
    // being native; an accent in the name), typeset in a child process, and read back: rule
    // 0002 in its revised version, the plan attached.
    app.click("plan-tab-transfer").await;
    app.find("plan-export-format").await.select_by_value("pdf").await.expect("the PDF format");
    let printed = vault_dir.path().join("calendrier été.pdf");
    app.type_into("plan-export-path", printed.to_str().expect("utf-8 path")).await;
    app.click("plan-export-start").await;
    app.message("plan-export-result").await;
    app.shot("plan-export-pdf").await;
    let text = Command::new("pdftotext").arg("-raw").arg(&printed).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Calendrier de conservation",
        "Série 0002 — Mission et mandat version 2",
        "principal papier, numérique tant que le document sert (999) 7 ans",
        "Annexe — Plan de classification",
    ] {
        assert!(text.contains(expected), "“{expected}” missing from the printed schedule:\n{text}");
    }

    // The register: import a sheet of files through the Import dialog (its path typed in, the
    // Browse… dialog being native; an accent in the file's name), see the counts, search for
    // “quebec” without its accent, open the file found, and see its final disposition and which
    // rule applies and why.
    let sheet = vault_dir.path().join("dossiers été.csv");
    std::fs::write(&sheet, FILES_SHEET).expect("write the files sheet");
    let persons = vault_dir.path().join("personnes été.csv");
    std::fs::write(&persons, PERSONS_SHEET).expect("write the persons sheet");
    app.click("nav-register").await;
    app.find("register-empty").await;
    app.screen("register", "register-empty").await;
    app.click("register-import").await;
    app.find("import-dialog").await;
    app.type_into("import-files", sheet.to_str().expect("utf-8 path")).await;
    app.type_into("import-persons", persons.to_str().expect("utf-8 path")).await;
    app.shot("register-import-dialog").await;
    app.click("import-start").await;
    let imported = app.message("import-result").await;
    assert!(imported.contains("6 dossiers importés"), "the sheet's six files are imported: {imported}");
    let facts = imported.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        facts.contains("Personnes nouvelles 1") && facts.contains("Liens entre dossiers et personnes 1"),
        "the persons sheet's person is created and linked to E2E-001: {imported}"
    );
    app.shot("register-import-result").await;
    // The keyboard is on "Voir le registre" once the import is done.
    app.wait_for_focus("import-show").await;
    app.press(Key::Enter).await;
    app.wait_for_text("register-total", "6 dossiers").await;
    app.find("register-row-E2E-002").await;
    app.shot("register").await;
    // A click on a column's header sorts by it (titles with their accents and case folded), a
    // second reverses the order, a third comes back to relevance.
    let by_title = ["E2E-005", "E2E-006", "E2E-004", "E2E-001", "E2E-002", "E2E-003"];
    app.click("register-sort-title").await;
    app.wait_for_rows("(sorted by title)", &by_title).await;
    app.wait_for_attribute("register-col-title", "aria-sort", "ascending").await;
    app.shot("register-sorted-by-title").await;
    app.click("register-sort-title").await;
    let reversed: Vec<&str> = by_title.iter().rev().copied().collect();
    app.wait_for_rows("(sorted by title, descending)", &reversed).await;
    // An export of the view follows its order (CSV; its path typed in, an accent in the name).
    app.click("register-export").await;
    let order = app.text("export-order").await;
    assert!(order.contains("titre, décroissant"), "the dialog says the order of the rows: {order}");
    app.find("export-format").await.select_by_value("csv").await.expect("the CSV format");
    let exported = vault_dir.path().join("registre trié.csv");
    app.type_into("export-path", exported.to_str().expect("utf-8 path")).await;
    // By the keyboard: Enter in the path starts it; once written, the focus is on Close.
    app.press(Key::Enter).await;
    app.message("export-result").await;
    app.wait_for_focus("export-close").await;
    // Behind the dialog the page's scroll areas show no scrollbar (without compositing, WebKitGTK
    // painted the facets' over the dialog), and get theirs back when it closes.
    assert_eq!(app.scroll_overflows().await, ["hidden"; 4], "the scroll areas behind the dialog");
    app.shot("register-exported").await;
    app.press(Key::Enter).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.scroll_overflows().await != ["auto"; 4] {
        assert!(
            Instant::now() < deadline,
            "the scroll areas once the dialog is gone: {:?}",
            app.scroll_overflows().await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sheet_text = std::fs::read_to_string(&exported).expect("the export");
    // (A description holds a quoted line break: the rows are the lines that start with a reference.)
    let exported_rows: Vec<&str> =
        sheet_text.lines().filter(|l| l.starts_with("E2E-")).map(|l| l.split(',').next().unwrap_or("")).collect();
    assert_eq!(exported_rows, reversed, "the export is in the order on screen:\n{sheet_text}");
    app.click("register-sort-title").await;
    app.wait_for_attribute("register-col-title", "aria-sort", "none").await;

    // A field the search does not know is refused with a message that names it and the fields
    // one may name, in the window's language; nothing else on the screen is lost.
    app.type_into("register-search", "auteur:Tremblay").await;
    let refused = app.message("register-error").await;
    assert!(refused.contains("« auteur »") && refused.contains("classe"), "the refusal says why: {refused}");
    // Sending the same query again would fail the same way: the panel asks for a change instead
    // of offering a retry, and its button takes the keyboard back to the search box.
    assert!(
        refused.contains("ne peut pas lire cette requête") && !refused.contains("Réessayer"),
        "a refused query is not offered a retry: {refused}"
    );
    app.wait_for_text("register-total", "ne peut pas lire cette requête").await;
    app.shot("register-search-unknown-field").await;
    app.click("register-edit-query").await;
    let focused = app.client.active_element().await.expect("focused element");
    let focused = focused.attr("data-testid").await.expect("its test id");
    assert_eq!(focused.as_deref(), Some("register-search"), "“Modifier la requête” goes back to the search box");
    app.type_into("register-search", "quebec").await;
    app.wait_for_text("register-total", "1 dossier").await;
    let found = app.message("register-row-E2E-003").await;
    assert!(found.contains("Québec"), "“quebec” finds the title with “Québec”: {found}");
    app.shot("register-search-quebec").await;
    // From the search box, the keyboard: Down moves to the results (the first row selected),
    // Enter opens the file.
    app.find("register-search").await.send_keys(&String::from(char::from(Key::Down))).await.expect("down");
    app.wait_for_attribute("register-row-E2E-003", "aria-selected", "true").await;
    app.press(Key::Enter).await;
    // The heading says "Dossier E2E-003" until the file is read, then its title.
    app.wait_for_text("file-title", "éclairage des rues de Québec").await;
    // Closed on 2021-03-31; rule 1060 of the sample plan: while in use, then 2 years, then sort.
    let final_date = app.message("file-final-date").await;
    assert_eq!(final_date.trim(), "31 mars 2023", "the final disposition falls 2 years after the closing");
    let disposition = app.text("file-disposition").await;
    assert!(disposition.contains("Tri"), "the rule sorts the file at the end: {disposition}");
    let why = app.message("file-explanation").await;
    assert!(
        why.contains("Règle 1060") && why.contains("Fermeture du dossier") && !why.contains("undefined"),
        "the panel says which rule applies and why: {why}"
    );
    app.shot("register-file-detail").await;

    // A canary typed into a form: E2E-003's description, edited.
    app.click("file-edit").await;
    app.find("file-dialog").await;
    // The inputs stop where the vault would refuse the text (1,000 characters for a title,
    // 32,767 for a description: crates/core/src/register.rs).
    for (field, most) in [("file-form-title", "1000"), ("file-form-description", "32767")] {
        let maxlength = app.find(field).await.attr("maxlength").await.expect("its maxlength");
        assert_eq!(maxlength.as_deref(), Some(most), "{field}");
    }
    let description = format!("Procédure du Service des travaux publics, revue {CANARY_FORM}");
    app.type_into("file-form-description", &description).await;
    app.click("file-form-submit").await;
    app.wait_for_text("file-fields", CANARY_FORM).await;
    app.shot("register-file-edited").await;
    // The canaries are in the vault, and pass through the webview: each is searched for and
    // found (the sheet's in a description, the person's name, the word typed in the form).
    app.search_register(CANARY_SHEET, &["E2E-001"]).await;
    app.search_register(CANARY_FORM, &["E2E-003"]).await;
    app.search_register(CANARY_PERSON, &["E2E-001"]).await;
    app.shot("register-search-canary-person").await;
    // The file's panel leaves the list narrow: the status and level columns go, their headers
    // with them (they were once left piled on the final date's).
    for column in ["status", "sensitivity"] {
        let header = app.find(&format!("register-col-{column}")).await;
        assert!(!header.is_displayed().await.expect("displayed"), "the {column} header is hidden with its column");
    }

    // The destruction calendar. A second archivist is added: the one who proposes a batch can
    // never approve it.
    app.click("nav-settings").await;
    app.find("screen-settings-users").await;
    app.click("users-add").await;
    app.find("adduser-dialog").await;
    app.type_into("adduser-username", APPROVER).await;
    app.type_into("adduser-name", "Marc Roy").await;
    app.find("adduser-role").await.select_by_value("archivist").await.expect("role");
    app.type_into("adduser-password", APPROVER_PASSWORD).await;
    app.type_into("adduser-password-confirm", APPROVER_PASSWORD).await;
    app.click("adduser-submit").await;
    app.find(&format!("user-row-{APPROVER}")).await;

    // The administrator sees what falls due, and proposes the file due for destruction.
    app.click("nav-calendar").await;
    app.screen("calendar", "calendar-fr").await;
    app.find("calendar-table").await;
    let overdue = app.message("calendar-overdue").await;
    assert!(overdue.contains('1'), "E2E-006 is overdue for destruction: {overdue}");
    app.click("calendar-tab-due").await;
    app.find("due-row-E2E-006").await;
    app.shot("calendar-due-list").await;
    // The due list exported by the keyboard (CSV, an accent in the name): Enter in the path
    // starts it, the focus is then on Close; the file holds as many files as the dialog says,
    // E2E-006 among them, and nothing is left beside it (it is written beside its place, then
    // moved there).
    app.click("due-export-open").await;
    app.find("due-export-format").await.select_by_value("csv").await.expect("the CSV format");
    let due_export = vault_dir.path().join("échéances.csv");
    let before = std::fs::read_dir(vault_dir.path()).expect("the vault's folder").count();
    app.type_into("due-export-path", due_export.to_str().expect("utf-8 path")).await;
    app.press(Key::Enter).await;
    let exported = app.message("due-export-result").await;
    app.wait_for_focus("due-export-close").await;
    app.shot("calendar-due-exported").await;
    app.press(Key::Enter).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !app.client.find_all(Locator::Css("[data-testid=\"due-export-dialog\"]")).await.expect("find").is_empty() {
        assert!(Instant::now() < deadline, "Enter on Close closes the due list's export");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let due_text = std::fs::read_to_string(&due_export).expect("the due list's export");
    let due_rows: Vec<&str> = due_text.lines().skip(1).collect();
    assert!(exported.contains(&format!("{} dossier", due_rows.len())), "{exported} / {due_text}");
    assert!(due_rows.iter().any(|l| l.starts_with("E2E-006,")), "{due_text}");
    assert_eq!(std::fs::read_dir(vault_dir.path()).expect("the vault's folder").count(), before + 1);
    app.click("due-select-E2E-006").await;
    app.click("due-propose").await;
    app.find("batch-detail").await;
    app.wait_for_text("batch-state", "Proposé").await;
    let own = app.message("batch-own").await;
    assert!(own.contains("séparation des tâches"), "the proposer is told another user must decide: {own}");
    app.find("batch-file-E2E-006").await;
    app.shot("calendar-batch-proposed").await;

    // The second archivist approves it, executes it and saves its certificate (the path typed
    // in: the Browse… dialog is native).
    app.click("header-signout").await;
    app.find("screen-signin").await;
    app.sign_in_as(APPROVER, APPROVER_PASSWORD).await;
    app.find("screen-home").await;
    app.click("nav-calendar").await;
    app.find("screen-calendar").await;
    app.click("calendar-tab-batches").await;
    let listed = app
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid^=\"batch-open-\"]"))
        .await
        .expect("the proposed batch is listed");
    let number = listed.text().await.expect("batch number").trim().to_owned();
    app.click(&format!("batch-open-{number}")).await;
    app.find("batch-detail").await;
    app.type_into("batch-reason", "Conforme au calendrier de conservation").await;
    app.click("batch-approve").await;
    app.wait_for_text("batch-state", "Approuvé").await;
    app.shot("calendar-batch-approved").await;
    app.click("batch-execute").await;
    let executed = app.message("batch-execute-result").await;
    assert!(executed.contains("1 dossier"), "one file destroyed: {executed}");
    app.wait_for_text("batch-state", "Exécuté").await;
    // The certificate's place is chosen in the native save dialog (GTK's, through rfd): Browse…,
    // the whole name selected and replaced by the full path (accents, spaces), Return.
    let certificate = vault_dir.path().join("certificat de destruction été.pdf");
    let certificate_path = certificate.to_str().expect("utf-8 path");
    // The click answers once the webview has taken it; a main thread blocked by the dialog
    // would leave it unanswered for ever, hence the deadline.
    tokio::time::timeout(Duration::from_secs(60), app.click("batch-output-browse"))
        .await
        .expect("Browse… froze the app (no answer to the click in 60 s)");
    let dialog = wait_for_window(&display, CERTIFICATE_DIALOG);
    app.shot_display(&display, "calendar-certificate-save-dialog-opened");
    // No window manager: give the dialog the keyboard focus directly.
    xdotool(&display, &["windowfocus", "--sync", &dialog]);
    xdotool(&display, &["key", "--clearmodifiers", "ctrl+a"]);
    xdotool(&display, &["type", "--clearmodifiers", "--delay", "20", certificate_path]);
    app.shot_display(&display, "calendar-certificate-save-dialog-typed");
    xdotool(&display, &["key", "--clearmodifiers", "Return"]);
    wait_for_no_window(&display, CERTIFICATE_DIALOG);
    app.wait_for_value("batch-output-path", certificate_path).await;
    app.click("batch-output-save").await;
    let saved = app.message("batch-notice").await;
    assert!(saved.contains("CD-"), "the certificate's number is given: {saved}");
    app.shot("calendar-batch-executed").await;
    let text = Command::new("pdftotext").arg("-layout").arg(&certificate).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in ["Certificat de destruction", ORGANISATION, number.as_str(), "E2E-006", APPROVER, ADMIN] {
        assert!(text.contains(expected), "“{expected}” missing from the certificate:\n{text}");
    }
    // What stays of the file: its residual record.
    app.click("calendar-tab-destroyed").await;
    app.find("destroyed-row-E2E-006").await;
    app.shot("calendar-destroyed").await;

    // The user closes the window: the app quits with its last window (and WebKit writes out
    // what it keeps), then the WebDriver session ends.
    let webkit = children(app_pid);
    app.client.close_window().await.expect("close the window");
    for pid in std::iter::once(app_pid).chain(webkit) {
        wait_for_exit(pid);
    }
    let _ = app.client.close().await;
    drop(driver);

    // Every file the app wrote: its HOME, XDG data, cache and config folders and TMPDIR (WebKitGTK
    // keeps its localStorage, storage and HTTP cache under XDG_DATA_HOME/<identifier>; Mesa's
    // shader cache goes to XDG_CACHE_HOME), the vault's folder, and the private keyring's
    // folders. The canaries are found 0 times, as UTF-8 and as UTF-16LE.
    let webview_data = folders.path().join("data").join(APP_IDENTIFIER);
    let webview_cache = folders.path().join("cache").join(APP_IDENTIFIER);
    let scanned: Vec<&Path> = vec![folders.path(), &vault, service.home()];
    let scan = ByteScan::of(&scanned);
    let in_webview = |hits: &[greffier_testkit::Hit]| hits.iter().any(|h| h.file.starts_with(&webview_data));
    let listing = app.shots.join("canary-scan-files.txt");
    let names: Vec<String> = scan.files().map(|f| f.display().to_string()).collect();
    std::fs::write(&listing, names.join("\n") + "\n").expect("write the scan's file list");
    let webview_files = scan.files().filter(|f| f.starts_with(&webview_data) || f.starts_with(&webview_cache)).count();
    let covered = format!(
        "{} files ({webview_files} of them the webview's), {} bytes, under {:?}; listed in {}",
        scan.file_count(),
        scan.byte_count(),
        scanned,
        listing.display()
    );
    assert!(
        scan.files().any(|f| f.starts_with(&webview_data)),
        "WebKit wrote nothing under XDG_DATA_HOME/{APP_IDENTIFIER}: the scan would miss its folder ({covered})"
    );
    // The negative control: the language choice the interface keeps in localStorage, in clear
    // on purpose, is found by the same scan in the webview's data folder.
    let control = scan.hits(LOCALE_STORAGE_KEY);
    assert!(
        in_webview(&control),
        "the scan does not find the webview's own localStorage entry {LOCALE_STORAGE_KEY:?} ({control:?}): it does not look where WebKit writes ({covered})"
    );
    println!("negative control {LOCALE_STORAGE_KEY:?} found in {control:?}; scan covered {covered}");
    for canary in [CANARY_SHEET, CANARY_PERSON, CANARY_IDENTIFIER, CANARY_FORM] {
        let hits = scan.hits(canary);
        assert!(hits.is_empty(), "the canary {canary:?} is on disk in clear: {hits:?} (scan covered {covered})");
    }
}
