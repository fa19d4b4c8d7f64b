#!/usr/bin/env python3
"""The whole desktop app's memory on a big vault, as a user drives it.

Runs the built desktop app under Xvfb through tauri-driver (WebDriver), on a copy of a bench
vault (`greffier-bench run` leaves one in target/bench/vault-SIZE): unlocks it with the recovery
passphrase (no OS keyring), signs in, opens the register (first page with its facet counts),
searches, sorts by title, jumps to the last page, opens a file, opens the calendar; after each
step it reads the resident memory (RSS) and the proportional set size (PSS: shared pages split
between the processes that map them) of the app and of WebKit's processes, and at the end their
peaks (VmHWM). Prints a JSON line; screenshots go to target/app-memory/.

With --index-anew, the copy's search index is removed first, as an upgrade to another index
schema or a restore leaves it: the register's first search then fills a new one with its progress
bar shown, and the app's and WebKit's memory is sampled four times a second meanwhile (the
highest sum of PSS and of RSS seen).

    python3 crates/bench/app-memory.py [--app target/release/greffier-desktop] [--vault target/bench/vault-1000000] [--index-anew]

Needs Xvfb and .tools/bin/tauri-driver (`make test` installs both).
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PASSPHRASE = "bench recovery passphrase"
USER = "admin"
PASSWORD = "bench administrator password"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER, END = "\ue007", "\ue010"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    def __init__(self, port, display):
        self.base = f"http://127.0.0.1:{port}"
        self.display = display
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read() or b"{}").get("value")

    def start(self, application):
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry",
                                                 "tauri:options": {"application": application}}}}
        deadline = time.time() + 30
        while True:
            try:
                self.session = self.call("POST", "/session", caps)["sessionId"]
                return
            except (OSError, http.client.HTTPException):
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def find(self, test_id, timeout=120):
        deadline = time.time() + timeout
        while True:
            try:
                found = self.call("POST", f"/session/{self.session}/element",
                                  {"using": "css selector", "value": f'[data-testid="{test_id}"]'})
                return found[ELEMENT]
            except (OSError, http.client.HTTPException):
                # Not there yet, or the webview busy with a long command (WebKitWebDriver then
                # drops the request): asked again.
                if time.time() > deadline:
                    raise SystemExit(f"no element {test_id}")
                time.sleep(0.2)

    def settle(self, timeout=120):
        """Waits until the webview answers (WebKitWebDriver drops requests while it is busy)."""
        deadline = time.time() + timeout
        while True:
            try:
                self.call("GET", f"/session/{self.session}/title")
                return
            except (OSError, http.client.HTTPException):
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

    def click(self, test_id, again_if_dropped=False):
        """Clicks; a click the busy webview dropped is given again when that is harmless."""
        while True:
            self.settle()
            try:
                self.call("POST", f"/session/{self.session}/element/{self.find(test_id)}/click", {})
                return
            except (OSError, http.client.HTTPException):
                if not again_if_dropped:
                    raise

    def type(self, test_id, text):
        self.settle()
        self.call("POST", f"/session/{self.session}/element/{self.find(test_id)}/value", {"text": text})

    def clear(self, test_id):
        self.settle()
        self.call("POST", f"/session/{self.session}/element/{self.find(test_id)}/clear", {})

    def text(self, test_id):
        return self.call("GET", f"/session/{self.session}/element/{self.find(test_id)}/text")

    def wait_text(self, test_id, needle, timeout=120):
        deadline = time.time() + timeout
        while True:
            try:
                if needle in (self.text(test_id) or ""):
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.time() > deadline:
                raise SystemExit(f"{test_id} never showed {needle!r}")
            time.sleep(0.2)

    def screenshot(self, path):
        """A picture of the X display: WebKitWebDriver's own screenshot never answers when the
        web view does not composite (as the app runs it)."""
        self.settle()
        subprocess.run(["import", "-display", self.display, "-window", "root", path], check=True,
                       timeout=60)

    def stop(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}")
            except (OSError, http.client.HTTPException):
                pass


def status(pid):
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key == "Pss":
                    fields["Pss"] = value.strip()
    except OSError:
        return None
    return fields


def kib(value):
    return int(value.split()[0]) if value else 0


def app_tree(binary, vault):
    """The app's process (by its binary and vault) and its descendants (WebKit's processes)."""
    app = None
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            exe = os.readlink(f"/proc/{entry}/exe").removesuffix(" (deleted)")
            if os.path.basename(exe) == os.path.basename(binary):
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if f"GREFFIER_VAULT={vault}".encode() in f.read().split(b"\0"):
                        app = int(entry)
        except OSError:
            continue
    if app is None:
        return []
    tree, grown = [app], True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.append(pid)
                grown = True
    return tree


def measure(binary, vault, step, rows):
    processes = []
    for pid in app_tree(binary, vault):
        s = status(pid)
        if s:
            processes.append({"name": s.get("Name"), "rss_mib": kib(s.get("VmRSS")) // 1024,
                              "pss_mib": kib(s.get("Pss")) // 1024, "peak_mib": kib(s.get("VmHWM")) // 1024})
    rows.append({"step": step, "rss_mib": sum(p["rss_mib"] for p in processes),
                 "pss_mib": sum(p["pss_mib"] for p in processes), "processes": processes})
    print(f"{step}: RSS {rows[-1]['rss_mib']} MiB, PSS {rows[-1]['pss_mib']} MiB "
          + ", ".join(f"{p['name']} {p['rss_mib']}" for p in processes), file=sys.stderr)


class Sampler(threading.Thread):
    """Samples the app's and WebKit's memory four times a second until stopped: the highest sum
    of PSS and of RSS, and the app process's highest RSS."""

    def __init__(self, binary, vault):
        super().__init__(daemon=True)
        self.binary, self.vault = binary, vault
        self.stopped = threading.Event()
        self.pss_mib = self.rss_mib = self.app_rss_mib = 0

    def run(self):
        while not self.stopped.wait(0.25):
            pids = app_tree(self.binary, self.vault)
            found = [s for s in (status(pid) for pid in pids) if s]
            self.pss_mib = max(self.pss_mib, sum(kib(s.get("Pss")) for s in found) // 1024)
            self.rss_mib = max(self.rss_mib, sum(kib(s.get("VmRSS")) for s in found) // 1024)
            if found:
                self.app_rss_mib = max(self.app_rss_mib, kib(found[0].get("VmRSS")) // 1024)


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--app", default="target/release/greffier-desktop")
    args.add_argument("--vault", default="target/bench/vault-1000000")
    args.add_argument("--driver", default=".tools/bin/tauri-driver")
    args.add_argument("--index-anew", action="store_true",
                      help="remove the copy's search index: the first search fills a new one")
    options = args.parse_args()
    application = os.path.abspath(options.app)
    work = tempfile.mkdtemp(prefix="greffier-app-memory-")
    vault = os.path.join(work, "vault")
    shutil.copytree(options.vault, vault)
    if options.index_anew:
        for name in os.listdir(vault):
            if name.startswith("search.db"):
                os.remove(os.path.join(vault, name))
    shots = os.path.abspath("target/app-memory")
    os.makedirs(shots, exist_ok=True)
    display = f":{90 + os.getpid() % 9}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
    port = free_port()
    env = dict(os.environ, DISPLAY=display, GREFFIER_VAULT=vault, GREFFIER_KEYRING="none",
               HOME=os.path.join(work, "home"), XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CACHE_HOME=os.path.join(work, "cache"), XDG_CONFIG_HOME=os.path.join(work, "config"))
    driver_process = subprocess.Popen([options.driver, "--port", str(port), "--native-port", str(free_port())],
                                      env=env, stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(shots, "tauri-driver.log"), "w"))
    driver = Driver(port, display)
    rows = []
    try:
        driver.start(application)
        driver.type("unlock-passphrase", PASSPHRASE)
        driver.click("unlock-submit")
        driver.find("signin-username")
        driver.screenshot(os.path.join(shots, "0-sign-in.png"))
        driver.type("signin-username", USER)
        driver.type("signin-password", PASSWORD)
        driver.click("signin-submit")
        driver.find("nav-register")
        measure(application, vault, "signed in", rows)
        sampler = Sampler(application, vault)
        sampler.start()
        started = time.time()
        driver.click("nav-register", again_if_dropped=True)
        if options.index_anew:
            # The progress bar, pictured once it has moved.
            while True:
                try:
                    detail = driver.call("POST", f"/session/{driver.session}/element",
                                         {"using": "css selector",
                                          "value": '[data-testid="register-indexing-progress-detail"]'})
                    text = driver.call("GET", f"/session/{driver.session}/element/{detail[ELEMENT]}/text") or ""
                    if not text.startswith("0 "):
                        driver.screenshot(os.path.join(shots, "1-indexing.png"))
                        break
                except (OSError, http.client.HTTPException):
                    pass
                if time.time() - started > 600:
                    raise SystemExit("the index's progress was never shown")
                time.sleep(0.5)
        driver.wait_text("register-total", "000", timeout=600)
        first_page = time.time() - started
        sampler.stopped.set()
        sampler.join()
        driver.screenshot(os.path.join(shots, "1-register.png"))
        measure(application, vault, "register, first page", rows)
        for words in ["dossier", "\"contrat de service\"", "québec", "insp*"]:
            driver.clear("register-search")
            driver.type("register-search", words + ENTER)
            driver.wait_text("register-total", "dossier")
            time.sleep(1.0)
        driver.screenshot(os.path.join(shots, "2-search.png"))
        measure(application, vault, "four searches", rows)
        driver.clear("register-search")
        driver.type("register-search", ENTER)  # every file again
        driver.click("register-sort-title")
        time.sleep(2.0)
        driver.settle()
        driver.call("POST", f"/session/{driver.session}/element/{driver.find('register-table')}/value", {"text": END})
        time.sleep(3.0)
        driver.screenshot(os.path.join(shots, "3-sorted-last-page.png"))
        measure(application, vault, "sorted by title, last page", rows)
        driver.click("nav-calendar", again_if_dropped=True)
        time.sleep(3.0)
        driver.screenshot(os.path.join(shots, "4-calendar.png"))
        measure(application, vault, "calendar", rows)
        peak = {p["name"]: p["peak_mib"] for p in rows[-1]["processes"]}
        print(json.dumps({"first_page_s": round(first_page, 2), "steps": rows, "peak_mib": peak,
                          "peak_sum_mib": sum(peak.values()),
                          "first_page_sampled": {"pss_sum_mib": sampler.pss_mib, "rss_sum_mib": sampler.rss_mib,
                                                 "app_rss_mib": sampler.app_rss_mib}}))
    finally:
        driver.stop()
        driver_process.terminate()
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
