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
    greffier_desktop_lib::run()
}

/// JavaScriptCore's JIT off, unless the user set `JSC_useJIT` (before any thread starts: the web
/// process inherits the environment). The interface runs in JSC's interpreter, fast enough for a
/// page of rows at a time (the end-to-end test takes as long), and the web process maps no memory
/// that is both writable and executable, a common way in for an exploit; about 20 MiB less
/// (BENCHMARKS.md, "The whole desktop app at 1M files").
#[cfg(target_os = "linux")]
fn webview_defaults() {
    if std::env::var_os("JSC_useJIT").is_none() {
        std::env::set_var("JSC_useJIT", "false");
    }
}
