//! Real parts for the tests that need them, started and stopped by the test itself:
//! a private D-Bus session bus with an unlocked gnome-keyring (the Secret Service the app uses
//! in production) and an Xvfb display. Needs the Debian packages dbus, gnome-keyring,
//! libsecret-tools and xvfb, which `make test` installs.

use std::{
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A D-Bus session bus with an unlocked gnome-keyring on it, private to one test, with its own
/// HOME and XDG folders so nothing touches the developer's keyring.
pub struct SecretService {
    bus: Child,
    address: String,
    home: tempfile::TempDir,
}

impl SecretService {
    /// Starts the bus and the keyring and waits until the Secret Service answers.
    pub fn start() -> SecretService {
        let home = tempfile::tempdir().expect("tempdir");
        for dir in ["data", "runtime", "config", "cache"] {
            std::fs::create_dir_all(home.path().join(dir)).expect("mkdir");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(home.path().join("runtime"), std::fs::Permissions::from_mode(0o700))
                .expect("chmod");
        }
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon must be installed (package dbus); `make test` installs it");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("stdout")).read_line(&mut address).expect("bus address");
        let service = SecretService { bus, address: address.trim().to_owned(), home };
        let mut keyring = service
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed (package gnome-keyring)");
        keyring.stdin.take().expect("stdin").write_all(b"test keyring password\n").expect("unlock");
        keyring.wait().expect("gnome-keyring-daemon");
        service.wait_for_secrets();
        service
    }

    /// The variables a process needs to use this bus and keyring.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |name: &str| self.home.path().join(name).display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_RUNTIME_DIR", dir("runtime")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("HOME", self.home.path().display().to_string()),
        ]
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// A command with a clean environment: PATH, DISPLAY if set, and this bus.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
        for (key, value) in self.env() {
            command.env(key, value);
        }
        command
    }

    /// The keyring entry of a vault, as `secret-tool` sees it (64 hex digits, or empty).
    pub fn lookup(&self, account: &str) -> String {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", "greffier", "username", account])
            .output()
            .expect("secret-tool (package libsecret-tools)");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Removes a vault's keyring entry, as a user clearing their keyring would.
    pub fn clear(&self, account: &str) {
        let status = self
            .command("secret-tool")
            .args(["clear", "service", "greffier", "username", account])
            .status()
            .expect("secret-tool");
        assert!(status.success(), "secret-tool clear failed");
    }

    /// Polls the bus until the Secret Service answers (readiness, not a delay).
    fn wait_for_secrets(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let reply = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .expect("dbus-send");
            if String::from_utf8_lossy(&reply.stdout).contains("boolean true") {
                return;
            }
            assert!(Instant::now() < deadline, "the Secret Service did not come up on the private bus");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves when its bus goes away.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// An Xvfb display of 1280x800, on a free display number Xvfb picks itself.
pub struct Display {
    server: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> Display {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (package xvfb)");
        let mut number = String::new();
        // Xvfb writes the display number once it accepts connections.
        BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut number).expect("display number");
        Display { server, name: format!(":{}", number.trim()) }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The raw bytes of every regular file under some folders (symbolic links, sockets and pipes
/// are left out), searched for words the way a forensic look at a disk would: each word as
/// UTF-8 and as UTF-16LE (WebKit's localStorage keeps its values in UTF-16), as written and in
/// lower case (search indexes fold case).
pub struct ByteScan {
    files: Vec<(std::path::PathBuf, Vec<u8>)>,
}

/// Where a word was found by a [`ByteScan`]: a file and how many times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub file: std::path::PathBuf,
    pub count: usize,
}

impl ByteScan {
    /// Reads every file under `folders` (a missing folder holds no files).
    pub fn of(folders: &[&Path]) -> ByteScan {
        fn walk(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else { continue };
                let path = entry.path();
                if kind.is_dir() {
                    walk(&path, out);
                } else if kind.is_file() {
                    // A file removed while the folder is walked is not there to hold anything.
                    if let Ok(bytes) = std::fs::read(&path) {
                        out.push((path, bytes));
                    }
                }
            }
        }
        let mut files = Vec::new();
        for folder in folders {
            walk(folder, &mut files);
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        ByteScan { files }
    }

    /// How many files the scan read.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// How many bytes the scan read.
    pub fn byte_count(&self) -> usize {
        self.files.iter().map(|(_, bytes)| bytes.len()).sum()
    }

    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(path, _)| path.as_path())
    }

    /// The byte sequences a word may be stored as: UTF-8 and UTF-16LE, as given and lower-cased.
    pub fn forms(word: &str) -> Vec<Vec<u8>> {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for text in [word.to_owned(), word.to_lowercase()] {
            let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            for form in [text.into_bytes(), utf16] {
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms
    }

    /// The files holding `word` in any of its [`forms`](ByteScan::forms), with how many times.
    pub fn hits(&self, word: &str) -> Vec<Hit> {
        let forms = ByteScan::forms(word);
        self.files
            .iter()
            .filter_map(|(path, bytes)| {
                let count: usize = forms.iter().map(|form| count_in(bytes, form)).sum();
                (count > 0).then(|| Hit { file: path.clone(), count })
            })
            .collect()
    }
}

fn count_in(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || haystack.len() < needle.len() {
        return 0;
    }
    let first = needle[0];
    let mut count = 0;
    let mut i = 0;
    while i + needle.len() <= haystack.len() {
        if haystack[i] == first && &haystack[i..i + needle.len()] == needle {
            count += 1;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_finds_a_word_in_utf8_and_utf16_in_nested_folders_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(dir.path().join("plain.txt"), "xx Zqxcanari yy zqxcanari").expect("write");
        let utf16: Vec<u8> = "été zqxcanari".encode_utf16().flat_map(u16::to_le_bytes).collect();
        std::fs::write(nested.join("store.localstorage"), utf16).expect("write");
        std::fs::write(nested.join("other"), "nothing here").expect("write");
        let scan = ByteScan::of(&[dir.path(), &dir.path().join("missing")]);
        assert_eq!(scan.file_count(), 3);
        let hits = scan.hits("Zqxcanari");
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits.iter().map(|h| h.count).sum::<usize>(), 3, "{hits:?}");
        assert!(scan.hits("absentcanari").is_empty());
    }
}
