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
    greffier_desktop_lib::run()
}
