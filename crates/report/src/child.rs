//! Rendering in a child process. Typst keeps the memory of a render (about 1 GB after 10,000
//! files) and a runaway template has no limit of its own (BUILD-NOTES.md), so a long-lived
//! process (the desktop) starts a child that renders one report and exits: [`run_child`] is that
//! child's entry, [`render_in_child`] the parent's side, with a time limit.

use std::{
    io::{Read, Write},
    path::Path,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use chrono::NaiveDate;

use crate::{render, ReportError, Template};

/// How long a child may render before it is stopped: far above the ~10 s of 100,000 files in a
/// release build, far below "the window seems stuck forever".
pub const CHILD_TIME_LIMIT: Duration = Duration::from_secs(300);

/// The child process's entry: `--template NAME --input DATA.json --output OUT.pdf --today
/// YYYY-MM-DD` (see [`crate::USAGE`]); `-` for standard input or output, so the data (which names
/// files and people) never has to touch the disk in clear.
pub fn run_child(args: &[String]) -> Result<(), ReportError> {
    let args = ChildArgs::parse(args)?;
    let text = if args.input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| io("read", &args.input, &e))?;
        bytes
    } else {
        std::fs::read(&args.input).map_err(|e| io("read", &args.input, &e))?
    };
    let data: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| ReportError::Data { reason: e.to_string() })?;
    let pdf = render(args.template, &data, args.today)?;
    if args.output == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&pdf).and_then(|()| stdout.flush()).map_err(|e| io("write", &args.output, &e))
    } else {
        std::fs::write(&args.output, pdf).map_err(|e| io("write", &args.output, &e))
    }
}

/// Renders in a child process within [`CHILD_TIME_LIMIT`]: `program` (with `args` before ours,
/// e.g. the desktop's own executable and its `render-report`) is run with the data on its
/// standard input and the PDF read from its standard output, so typst's memory goes with it.
pub fn render_in_child(
    program: &Path,
    args: &[&str],
    template: Template,
    data: &serde_json::Value,
    today: NaiveDate,
) -> Result<Vec<u8>, ReportError> {
    render_in_child_within(program, args, template, data, today, CHILD_TIME_LIMIT)
}

/// [`render_in_child`] with another time limit; past it the child is killed.
pub fn render_in_child_within(
    program: &Path,
    args: &[&str],
    template: Template,
    data: &serde_json::Value,
    today: NaiveDate,
    limit: Duration,
) -> Result<Vec<u8>, ReportError> {
    let failed = |action: &'static str, e: std::io::Error| io(action, &program.display().to_string(), &e);
    let input = serde_json::to_vec(data).map_err(|e| ReportError::Data { reason: e.to_string() })?;
    let mut child = Command::new(program)
        .args(args)
        .args(["--template", template.name(), "--input", "-", "--output", "-", "--today"])
        .arg(today.format("%Y-%m-%d").to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed("run", e))?;
    // Write and read on threads of their own, so a child that writes before it has read all its
    // input (or never reads it) cannot block us, and the time limit holds.
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || match stdin {
        Some(mut stdin) => stdin.write_all(&input),
        None => Ok(()),
    });
    let stdout = child.stdout.take();
    let stdout = thread::spawn(move || read_all(stdout));
    let stderr = child.stderr.take();
    let stderr = thread::spawn(move || read_all(stderr));

    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                // Killing may fail only if it has just exited; either way it is gone. The
                // reading threads end when the pipes close.
                let _ = child.kill();
                let _ = child.wait();
                return Err(ReportError::TimedOut { seconds: limit.as_secs() });
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(failed("wait for", e)),
        }
    };
    let joined = |handle: thread::JoinHandle<std::io::Result<Vec<u8>>>| {
        handle.join().unwrap_or_else(|_| Err(std::io::Error::other("the reading thread panicked")))
    };
    let stderr = joined(stderr).map_err(|e| failed("read the messages of", e))?;
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr).trim().to_owned();
        return Err(ReportError::Child { status: status.to_string(), stderr });
    }
    // The child succeeded, so it read all its input: a write error now would be ours.
    writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread panicked")))
        .map_err(|e| failed("write to", e))?;
    joined(stdout).map_err(|e| failed("read from", e))
}

struct ChildArgs {
    template: Template,
    input: String,
    output: String,
    today: NaiveDate,
}

impl ChildArgs {
    fn parse(args: &[String]) -> Result<ChildArgs, ReportError> {
        let usage = |message: String| ReportError::Usage { message };
        let (mut template, mut input, mut output, mut today) = (None, None, None, None);
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let slot = match flag.as_str() {
                "--template" => &mut template,
                "--input" => &mut input,
                "--output" => &mut output,
                "--today" => &mut today,
                other => return Err(usage(format!("unknown argument “{other}”"))),
            };
            let value = args.next().ok_or_else(|| usage(format!("{flag} needs a value")))?;
            *slot = Some(value.clone());
        }
        let required = |value: Option<String>, flag: &str| value.ok_or_else(|| usage(format!("missing {flag}")));
        let name = required(template, "--template")?;
        let template = Template::parse(&name).ok_or_else(|| usage(format!("unknown template “{name}”")))?;
        let today = required(today, "--today")?;
        let today = NaiveDate::parse_from_str(&today, "%Y-%m-%d")
            .map_err(|e| usage(format!("--today “{today}” is not a date like 2026-11-24 ({e})")))?;
        Ok(ChildArgs { template, input: required(input, "--input")?, output: required(output, "--output")?, today })
    }
}

fn read_all(pipe: Option<impl Read>) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn io(action: &'static str, path: &str, error: &std::io::Error) -> ReportError {
    ReportError::Io { action, path: path.to_owned(), reason: error.to_string() }
}
