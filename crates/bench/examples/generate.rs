//! Generates a synthetic register with the sample plan's leaf classes:
//! `cargo run --release -p greffier-bench --example generate -- <files> <seed> <out-dir>`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(files), Some(seed), Some(out)) =
        (args.first().and_then(|a| a.parse().ok()), args.get(1).and_then(|a| a.parse().ok()), args.get(2))
    else {
        eprintln!("usage: generate <files> <seed> <out-dir>");
        return ExitCode::from(2);
    };
    let plan = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/data/sample-plan.csv");
    let classes = match leaf_classes(&plan) {
        Ok(classes) => classes,
        Err(e) => {
            eprintln!("{}: {e}", plan.display());
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    match greffier_bench::generate(&PathBuf::from(out), files, seed, &classes) {
        Ok(report) => {
            let elapsed = started.elapsed();
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(e) => eprintln!("{e}"),
            }
            println!("elapsed: {:.2} s", elapsed.as_secs_f64());
            if let Some(kib) = greffier_bench::peak_rss_kib() {
                println!("peak RSS: {} MiB", kib / 1024);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The codes of the plan's classes that have no sub-class.
fn leaf_classes(plan: &std::path::Path) -> Result<Vec<String>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_path(plan)?;
    let mut classes = Vec::new();
    let mut parents = std::collections::HashSet::new();
    for record in reader.records() {
        let record = record?;
        if record.get(0) == Some("classe") {
            classes.push(record.get(1).unwrap_or_default().to_string());
            parents.insert(record.get(2).unwrap_or_default().to_string());
        }
    }
    classes.retain(|code| !parents.contains(code));
    Ok(classes)
}
