// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Before any thread starts: one malloc arena keeps the window's memory flat (see the doc).
    greffier_core::limit_malloc_arenas();
    // `greffier-desktop render-report …`: this executable as the child process that typesets a
    // report (src/report.rs), so the window's process gets typst's memory back.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(greffier_desktop_lib::REPORT_CHILD_ARG) {
        if let Err(error) = greffier_report::run_child(&args[1..]) {
            eprintln!("greffier-desktop: {error}");
            std::process::exit(1);
        }
        return;
    }
    #[cfg(target_os = "linux")]
    webview_defaults();
    // The core's warnings (a search index merge that failed and was retried, a writer reopened)
    // on stderr, as the command line prints them: seen when the app is started from a terminal
    // or by a session that keeps its programs' output. Not in a file: a log the vault's canary
    // scan does not cover would be a place for clear text.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .with_ansi(false)
        .init();
    greffier_desktop_lib::run()
}

/// The web view's defaults, unless the user set them (before any thread starts: WebKit's
/// processes inherit the environment; BENCHMARKS.md, "The whole desktop app at 1M files"):
/// - JavaScriptCore's JIT off. The interface runs in JSC's interpreter, fast enough for a page of
///   rows at a time (the end-to-end test takes as long), and the web process maps no memory
///   that is both writable and executable, a common way in for an exploit; about 20 MiB less.
/// - No compositing from the start (`src/lib.rs` also sets the hardware acceleration policy
///   "never", but the window's web view is composited until then): 5 MiB less.
#[cfg(target_os = "linux")]
fn webview_defaults() {
    for (name, value) in [("JSC_useJIT", "false"), ("WEBKIT_DISABLE_COMPOSITING_MODE", "1")] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}
