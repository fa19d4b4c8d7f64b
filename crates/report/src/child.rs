//! Rendering in a child process. Typst keeps the memory of a render and a runaway template has
//! no limit of its own (BUILD-NOTES.md), so a long-lived process (the desktop) starts a child
//! that renders one report and exits: [`run_child`] is that child's entry; [`render_in_child`]
//! the parent's side for a small report (its data whole), [`ListChild`] for a list, streamed;
//! the first with a time limit, the second with a limit of time without progress.
//!
//! # A list's data, streamed
//!
//! A list report ([`Template::is_list`]) arrives as lines: the header (the report's data but its
//! rows, one JSON object), then one row per line (a JSON object each), then an empty line that
//! ends the rows; then, optionally, an attachment: a line `{"name", "mimeType", "description"}`
//! and its content, as bytes, up to the end of the input. The child typesets and writes the PDF
//! as the rows come ([`ListReport`]); input that ends before the empty line is an error, so a
//! parent that dies half-way leaves no PDF that looks whole.

use std::{
    io::{BufRead, BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, ExitStatus, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use chrono::NaiveDate;

use crate::{render, Attachment, ListReport, ReportError, Template};

/// How long a small report's child may render, and how long a list's child may go without
/// reading a row or writing a page, before it is stopped: far above the ~0.5 s a list's child
/// takes to typeset a chunk of 1,000 rows (so a list of a million rows, about an hour, is not cut
/// short), far below "the window seems stuck forever".
pub const CHILD_TIME_LIMIT: Duration = Duration::from_secs(300);

/// The child process's entry: `--template NAME --input DATA.json --output OUT.pdf --today
/// YYYY-MM-DD` (see [`crate::USAGE`]); `-` for standard input or output, so the data (which names
/// files and people) never has to touch the disk in clear.
pub fn run_child(args: &[String]) -> Result<(), ReportError> {
    let args = ChildArgs::parse(args)?;
    if args.template.is_list() {
        let input: Box<dyn BufRead> = if args.input == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            let file = std::fs::File::open(&args.input).map_err(|e| io("read", &args.input, &e))?;
            Box::new(BufReader::new(file))
        };
        let output: Box<dyn Write> = if args.output == "-" {
            Box::new(BufWriter::new(std::io::stdout().lock()))
        } else {
            let file = std::fs::File::create(&args.output).map_err(|e| io("write", &args.output, &e))?;
            Box::new(BufWriter::new(file))
        };
        return render_list(args.template, input, output, args.today, &args.input);
    }
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

/// Renders a small report (not a list: [`Template::is_list`]) in a child process within
/// [`CHILD_TIME_LIMIT`]: `program` (with `args` before ours, e.g. the desktop's own executable
/// and its `render-report`) is run with the data on its standard input and the PDF read from its
/// standard output, so typst's memory goes with it.
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
    if template.is_list() {
        return Err(ReportError::Usage {
            message: format!("the {} report is a list: it is streamed through ListChild", template.name()),
        });
    }
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

/// The child's side of a streamed list: reads the lines, typesets, writes the PDF.
fn render_list(
    template: Template,
    mut input: Box<dyn BufRead>,
    output: Box<dyn Write>,
    today: NaiveDate,
    path: &str,
) -> Result<(), ReportError> {
    let mut line = String::new();
    let next_line = |input: &mut Box<dyn BufRead>, line: &mut String| -> Result<bool, ReportError> {
        line.clear();
        let read = input.read_line(line).map_err(|e| io("read", path, &e))?;
        Ok(read > 0)
    };
    let bad = |line: u64, reason: String| ReportError::Stream { line, reason };
    if !next_line(&mut input, &mut line)? {
        return Err(bad(1, "the data is empty: its first line must be the report's header".into()));
    }
    let header: serde_json::Value = serde_json::from_str(&line).map_err(|e| bad(1, e.to_string()))?;
    let mut report = ListReport::new(template, &header, today, output)?;
    let mut at = 1;
    loop {
        if !next_line(&mut input, &mut line)? {
            return Err(bad(at + 1, "the data ended before the empty line that ends the rows".into()));
        }
        at += 1;
        let row = line.trim_end_matches(['\n', '\r']);
        if row.is_empty() {
            break;
        }
        report.push_json(row.to_owned()).map_err(|e| match e {
            ReportError::Data { reason } => bad(at, reason),
            other => other,
        })?;
    }
    if next_line(&mut input, &mut line)? {
        at += 1;
        let spec: serde_json::Value = serde_json::from_str(&line).map_err(|e| bad(at, e.to_string()))?;
        let field = |name: &str| -> Result<String, ReportError> {
            spec.get(name)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bad(at, format!("the attachment has no “{name}”")))
        };
        let attachment =
            Attachment { name: field("name")?, mime_type: field("mimeType")?, description: field("description")? };
        let mut writer = report.attachment(&attachment)?;
        std::io::copy(&mut input, &mut writer).map_err(|e| io("read", path, &e))?;
        writer.finish()?;
    }
    report.finish()?;
    Ok(())
}

/// A list report rendered by a child process as its rows are given: the parent's side of the
/// streamed protocol (see the module's documentation). The PDF goes to `output` (through a
/// `.part` file beside it, renamed at the end, removed on failure). Dropped before
/// [`finish`](ListChild::finish), the child is stopped and nothing is left.
pub struct ListChild {
    program: String,
    output: PathBuf,
    partial: PathBuf,
    input: Option<BufWriter<Tracked<ChildStdin>>>,
    /// Waits for the child, stopping it once it makes no progress for the limit or when told to.
    watch: Option<thread::JoinHandle<Result<ExitStatus, ReportError>>>,
    stop: Arc<AtomicBool>,
    progress: Progress,
    stdout: Option<thread::JoinHandle<std::io::Result<u64>>>,
    stderr: Option<thread::JoinHandle<std::io::Result<Vec<u8>>>>,
    rows: u64,
    rows_ended: bool,
}

impl ListChild {
    /// Starts `program` (with `args` before ours) rendering `template` with `header` (the
    /// report's data but its rows), dated `today`, into `output`; stopped if it neither reads
    /// nor writes for [`CHILD_TIME_LIMIT`].
    pub fn start(
        program: &Path,
        args: &[&str],
        template: Template,
        header: &serde_json::Value,
        today: NaiveDate,
        output: &Path,
    ) -> Result<ListChild, ReportError> {
        ListChild::start_within(program, args, template, header, today, output, CHILD_TIME_LIMIT)
    }

    /// [`ListChild::start`] with another limit of time without progress; past it the child is
    /// killed.
    pub fn start_within(
        program: &Path,
        args: &[&str],
        template: Template,
        header: &serde_json::Value,
        today: NaiveDate,
        output: &Path,
        limit: Duration,
    ) -> Result<ListChild, ReportError> {
        let name = program.display().to_string();
        if !template.is_list() {
            return Err(ReportError::Usage { message: format!("the {} report is not a list", template.name()) });
        }
        let mut partial = output.as_os_str().to_owned();
        partial.push(".part");
        let partial = PathBuf::from(partial);
        let file = std::fs::File::create(&partial).map_err(|e| io("write", &partial.display().to_string(), &e))?;
        let mut child = match Command::new(program)
            .args(args)
            .args(["--template", template.name(), "--input", "-", "--output", "-", "--today"])
            .arg(today.format("%Y-%m-%d").to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(io("run", &name, &e));
            }
        };
        // Progress is a byte taken by the child or a byte of the PDF it writes.
        let progress = Progress::new();
        let input = child.stdin.take().map(|pipe| BufWriter::new(Tracked { inner: pipe, progress: progress.clone() }));
        let stdout = child.stdout.take();
        let output_progress = progress.clone();
        let stdout = thread::spawn(move || -> std::io::Result<u64> {
            let mut file = BufWriter::new(file);
            let copied = match stdout {
                Some(pipe) => std::io::copy(&mut Tracked { inner: pipe, progress: output_progress }, &mut file)?,
                None => 0,
            };
            file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(copied)
        });
        let stderr = child.stderr.take();
        let stderr = thread::spawn(move || read_all(stderr));
        let stop = Arc::new(AtomicBool::new(false));
        let watch = {
            let (stop, progress) = (stop.clone(), progress.clone());
            thread::spawn(move || watch(child, &progress, limit, &stop))
        };
        let mut started = ListChild {
            program: name,
            output: output.to_owned(),
            partial,
            input,
            watch: Some(watch),
            stop,
            progress,
            stdout: Some(stdout),
            stderr: Some(stderr),
            rows: 0,
            rows_ended: false,
        };
        let line = serde_json::to_string(header).map_err(|e| ReportError::Data { reason: e.to_string() })?;
        started.send(line.as_bytes())?;
        Ok(started)
    }

    /// Sends the next row of the list.
    pub fn push<T: serde::Serialize + ?Sized>(&mut self, row: &T) -> Result<(), ReportError> {
        if self.rows_ended {
            return Err(ReportError::Usage { message: "a row was given after the attachment began".into() });
        }
        // Compact JSON has no line break: a row is one line.
        let line = serde_json::to_string(row).map_err(|e| ReportError::Data { reason: e.to_string() })?;
        self.send(line.as_bytes())?;
        self.rows += 1;
        Ok(())
    }

    /// Ends the rows and starts the PDF's attachment; write its content into the answer,
    /// then [`finish`](ListChild::finish).
    pub fn attachment(&mut self, attachment: &Attachment) -> Result<&mut dyn Write, ReportError> {
        if self.rows_ended {
            return Err(ReportError::Usage { message: "a report has one attachment at most".into() });
        }
        self.send(b"")?;
        self.rows_ended = true;
        let spec = serde_json::json!({
            "name": attachment.name, "mimeType": attachment.mime_type, "description": attachment.description,
        });
        self.send(spec.to_string().as_bytes())?;
        if self.input.is_none() {
            return Err(self.failure());
        }
        match self.input.as_mut() {
            Some(input) => Ok(input),
            None => Err(ReportError::Usage { message: "the child's input is closed".into() }),
        }
    }

    /// Ends the input, waits for the child and puts the PDF in place; answers how many rows
    /// were sent.
    pub fn finish(mut self) -> Result<u64, ReportError> {
        if !self.rows_ended {
            self.send(b"")?;
            self.rows_ended = true;
        }
        if let Some(mut input) = self.input.take() {
            if input.flush().is_err() {
                return Err(self.failure());
            }
        }
        let status = self.wait()?;
        let stderr =
            self.stderr.take().map(join).transpose().map_err(|e| io("read the messages of", &self.program, &e))?;
        if !status.success() {
            let stderr = String::from_utf8_lossy(&stderr.unwrap_or_default()).trim().to_owned();
            return Err(ReportError::Child { status: status.to_string(), stderr });
        }
        let path = self.partial.display().to_string();
        self.stdout.take().map(join).transpose().map_err(|e| io("write", &path, &e))?;
        std::fs::rename(&self.partial, &self.output)
            .map_err(|e| io("write", &self.output.display().to_string(), &e))?;
        Ok(self.rows)
    }

    /// Writes one line to the child; if it cannot take it, the reason the child gives.
    fn send(&mut self, line: &[u8]) -> Result<(), ReportError> {
        let sent = match self.input.as_mut() {
            Some(input) => input.write_all(line).and_then(|()| input.write_all(b"\n")),
            None => Err(std::io::Error::other("the input is closed")),
        };
        // A row handed over is progress, even while it waits in the buffer: rows that come
        // slowly (a slow disk) do not look like a stuck child.
        self.progress.mark();
        sent.map_err(|_| self.failure())
    }

    /// Why the child stopped taking its input: its own message, or its limit of time without
    /// progress.
    fn failure(&mut self) -> ReportError {
        self.input = None;
        match self.wait() {
            Err(error) => error,
            Ok(status) => {
                let stderr = self.stderr.take().map(join).and_then(Result::ok).unwrap_or_default();
                let stderr = String::from_utf8_lossy(&stderr).trim().to_owned();
                ReportError::Child { status: status.to_string(), stderr }
            }
        }
    }

    /// The child's exit, once (later calls answer as if it had failed without a word).
    fn wait(&mut self) -> Result<ExitStatus, ReportError> {
        // Its input closed, the child ends by itself: at the end of the data, or at an error.
        self.input = None;
        match self.watch.take() {
            Some(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(io("wait for", &self.program, &std::io::Error::other("the watch panicked")))),
            None => Err(ReportError::Child { status: "already ended".into(), stderr: String::new() }),
        }
    }
}

impl Drop for ListChild {
    fn drop(&mut self) {
        if self.watch.is_some() {
            // Abandoned half-way (the rows' source failed): stopped at once, nothing kept.
            self.stop.store(true, Ordering::Relaxed);
            let _ = self.wait();
        }
        if self.partial.exists() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// When a list's child last read or wrote a byte.
#[derive(Clone)]
struct Progress {
    origin: Instant,
    /// Milliseconds from `origin`.
    last: Arc<AtomicU64>,
}

impl Progress {
    fn new() -> Progress {
        Progress { origin: Instant::now(), last: Arc::new(AtomicU64::new(0)) }
    }

    fn mark(&self) {
        let now = u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        self.origin.elapsed().saturating_sub(Duration::from_millis(self.last.load(Ordering::Relaxed)))
    }
}

/// A pipe end that marks progress at each byte that goes through.
struct Tracked<P> {
    inner: P,
    progress: Progress,
}

impl<P: Write> Write for Tracked<P> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        if written > 0 {
            self.progress.mark();
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<P: Read> Read for Tracked<P> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        if read > 0 {
            self.progress.mark();
        }
        Ok(read)
    }
}

/// Waits for `child` to exit; kills it once it has made no progress for `limit`, or when
/// `stop` is set.
fn watch(mut child: Child, progress: &Progress, limit: Duration, stop: &AtomicBool) -> Result<ExitStatus, ReportError> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if progress.idle() >= limit || stop.load(Ordering::Relaxed) => {
                // Killing may fail only if it has just exited; either way it is gone.
                let _ = child.kill();
                let _ = child.wait();
                return Err(if stop.load(Ordering::Relaxed) {
                    ReportError::Child { status: "stopped".into(), stderr: String::new() }
                } else {
                    ReportError::TimedOut { seconds: limit.as_secs() }
                });
            }
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(io("wait for", "the report process", &e)),
        }
    }
}

fn join<T>(handle: thread::JoinHandle<std::io::Result<T>>) -> std::io::Result<T> {
    handle.join().unwrap_or_else(|_| Err(std::io::Error::other("a thread of the report process panicked")))
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
