# Greffier's single entry point. On a fresh Debian/Ubuntu machine:
#   make run    installs everything, builds, and launches the desktop app on the default vault
#   make test   installs everything and runs every test (what .ci/run calls)

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

# System packages the build and the tests need (Debian bookworm names).
APT_PACKAGES := build-essential pkg-config file libssl-dev libdbus-1-dev libwebkit2gtk-4.1-dev \
	libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev \
	libxdo-dev xvfb xauth imagemagick x11-apps webkit2gtk-driver dbus gnome-keyring libsecret-tools \
	keyutils poppler-utils qpdf sqlite3 time xdotool
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# CI builds once from clean: incremental caches would only double target/ on disk.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

TAURI_DRIVER := .tools/bin/tauri-driver
CARGO_AUDIT := .tools/bin/cargo-audit
# RustSec advisory database, read offline (a copy kept beside the clone).
ADVISORY_DB := ../shared/advisory-db
# Known and explained: all from the GTK3 stack Tauri depends on on Linux (gtk-rs GTK3 bindings
# unmaintained, RUSTSEC-2024-0411 to -0420; glib VariantStrIter unsound, -0429, an API Greffier
# does not call) and proc-macro-error unmaintained (-0370, a build-time macro). Anything else fails.
# From typst (crates/report, PDF reports), known and explained: quick-xml 0.38 in hayagriva's
# citation styles (RUSTSEC-2026-0194 and -0195, time and memory exhaustion on crafted XML: the
# report World serves only its embedded template and data.json, no template reads XML or a
# bibliography, so no XML reaches it); unmaintained crates of its text stack: bincode and
# yaml-rust (syntect, raw-block highlighting, -2025-0141, -2024-0320), paste (biblatex, a
# build-time macro, -2024-0436), rustybuzz and ttf-parser (font shaping and parsing of the
# bundled fonts only, -2026-0206, -2026-0192).
KNOWN_ADVISORIES := RUSTSEC-2024-0411 RUSTSEC-2024-0412 RUSTSEC-2024-0413 RUSTSEC-2024-0414 \
	RUSTSEC-2024-0415 RUSTSEC-2024-0416 RUSTSEC-2024-0417 RUSTSEC-2024-0418 RUSTSEC-2024-0419 \
	RUSTSEC-2024-0420 RUSTSEC-2024-0429 RUSTSEC-2024-0370 \
	RUSTSEC-2026-0194 RUSTSEC-2026-0195 RUSTSEC-2025-0141 RUSTSEC-2024-0320 RUSTSEC-2024-0436 \
	RUSTSEC-2026-0206 RUSTSEC-2026-0192

.PHONY: deps system-deps ui-deps ui build run test lint audit bench

deps: system-deps ui-deps

system-deps:
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(APT_PACKAGES) 2>/dev/null | grep -c '^install ok installed')" != "$(words $(APT_PACKAGES))" ]; then \
		echo "Installing system packages…"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

ui-deps:
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
		npm --prefix ui ci --no-audit --no-fund; \
	fi

ui: ui-deps
	npm --prefix ui run build

build: deps ui
	cargo build --workspace

run: build
	./target/debug/greffier-desktop

lint: deps
	cargo fmt --all --check
	npm --prefix ui run check
	npm --prefix ui run lint

# WebDriver for the end-to-end tests, kept inside the clone (git-ignored), not in ~/.cargo.
$(TAURI_DRIVER):
	cargo install tauri-driver --locked --version 2.1.0 --root .tools

$(CARGO_AUDIT):
	cargo install cargo-audit --locked --version 0.22.2 --root .tools

# Dependency advisories, offline. Fails on any vulnerability and on any warning not listed above.
audit: $(CARGO_AUDIT)
	@if [ -d $(ADVISORY_DB) ]; then \
		$(CARGO_AUDIT) audit --no-fetch --db $(ADVISORY_DB) --deny warnings $(foreach id,$(KNOWN_ADVISORIES),--ignore $(id)); \
	else \
		echo "No advisory database at $(ADVISORY_DB): dependency audit not run."; \
	fi

# The benchmarks behind BENCHMARKS.md (not part of `make test`: ~15 minutes at 1M files).
bench: system-deps
	cargo build --release -p greffier-bench
	./target/release/greffier-bench run --sizes 100000,1000000 --runs 5 --write BENCHMARKS.md

test: deps ui lint audit $(TAURI_DRIVER)
	npm --prefix ui test
	cargo clippy --workspace --all-targets -- -D warnings
	# The desktop binary the end-to-end test drives; same crate selection as the tests, so one build.
	cargo build --workspace
	# nextest ends with one summary line for every Rust test; plain cargo test where it is missing.
	if cargo nextest --version >/dev/null 2>&1; then cargo nextest run --workspace; else cargo test --workspace; fi
