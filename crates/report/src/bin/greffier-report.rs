//! `greffier-report --template certificate --input DATA.json --output OUT.pdf --today DATE`: the
//! child process that renders a report, so the parent's memory stays its own.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match greffier_report::run_child(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("greffier-report: {error}");
            ExitCode::FAILURE
        }
    }
}
