//! A test environment: a temporary working directory with a corpus, in which the `attache`
//! binary runs exactly as a user would run it (default `corpus/` and `index/` relative to it).
//!
//! Every test gets its own directory, so tests never touch the repository's `index/` and can run
//! in parallel. Failures print the command's exit code, stdout and stderr.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// The crate root, where `corpus/` and `tests/fixtures/` live.
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A temporary working directory for the binary.
pub struct TestEnv {
    dir: TempDir,
}

impl TestEnv {
    /// A working directory whose `corpus/` is a copy of the repository's two sample articles.
    pub fn new() -> TestEnv {
        let env = TestEnv::empty();
        copy_dir(&Path::new(ROOT).join("corpus"), &env.path().join("corpus"));
        env
    }

    /// A working directory with an empty `corpus/`.
    pub fn empty() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("attache-test-")
            .tempdir()
            .expect("create a temporary directory");
        fs::create_dir(dir.path().join("corpus")).expect("create corpus/");
        TestEnv { dir }
    }

    /// The working directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Copies the files of `tests/fixtures/NAME/` into `corpus/`.
    pub fn add_fixtures(&self, name: &str) -> &TestEnv {
        let from = Path::new(ROOT).join("tests/fixtures").join(name);
        assert!(from.is_dir(), "no fixture folder {}", from.display());
        copy_dir(&from, &self.path().join("corpus"));
        self
    }

    /// Writes `contents` to `relative` (parents created), replacing any file there.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &TestEnv {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("create parent folders");
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// Deletes the file `relative`.
    pub fn remove(&self, relative: &str) {
        let path = self.path().join(relative);
        fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
    }

    /// The names in `index/` (the live pointer, generations, leftovers of builds), sorted.
    pub fn index_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.path().join("index"))
            .expect("read index/")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// The live generation named by `index/CURRENT`.
    pub fn current_generation(&self) -> String {
        let pointer = self.path().join("index/CURRENT");
        fs::read_to_string(&pointer)
            .unwrap_or_else(|e| panic!("read {}: {e}", pointer.display()))
            .trim()
            .to_owned()
    }

    /// The live generation's folder, `index/gen-…`.
    pub fn generation_dir(&self) -> PathBuf {
        self.path().join("index").join(self.current_generation())
    }

    /// A command for the binary, run in the working directory.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_attache"));
        command
            .args(args)
            .current_dir(self.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .env_remove("ATTACHE_INDEX")
            .env_remove("ATTACHE_PAGER")
            .env_remove("PAGER")
            .env_remove("COLUMNS")
            // The user's config file is never read: the environment's is `.config/attache/`.
            .env("XDG_CONFIG_HOME", self.path().join(".config"));
        command
    }

    /// Runs the binary with `args`, `input` on its standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start attache {args:?}: {e}"));
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = input.to_vec();
        let feeder = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().expect("wait for attache");
        feeder.join().expect("feeder").expect("write stdin");
        Output::of(args, &output)
    }

    /// Runs the binary with `args` and collects what it did.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = self
            .command(args)
            .output()
            .unwrap_or_else(|e| panic!("run attache {args:?}: {e}"));
        Output::of(args, &output)
    }

    /// Starts the binary with `args` in the background, its output discarded.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start attache {args:?}: {e}"))
    }

    /// Runs the binary and asserts its exit code.
    pub fn run_ok(&self, args: &[&str], code: i32) -> Output {
        let out = self.run(args);
        assert_eq!(out.code, code, "unexpected exit code\n{out}");
        assert_no_panic(&out);
        out
    }

    /// `attache index --threads 1 --quiet`, which must succeed.
    pub fn index(&self) -> Output {
        self.run_ok(&["index", "--threads", "1", "--quiet"], 0)
    }

    /// `attache search --json QUERY [extra…]`: the parsed hits and summary.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> Search {
        let mut args = vec!["search", "--json", query];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(out.code == 0 || out.code == 1, "search failed\n{out}");
        assert_no_panic(&out);
        let mut lines: Vec<Value> = out
            .stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}\n{out}"))
            })
            .collect();
        let summary = lines.pop().unwrap_or_else(|| panic!("no output\n{out}"));
        assert_eq!(
            summary["type"], "summary",
            "last line is not the summary\n{out}"
        );
        for hit in &lines {
            assert_eq!(
                hit["type"], "hit",
                "a line before the summary is not a hit\n{out}"
            );
        }
        Search {
            hits: lines,
            summary,
            out,
        }
    }

    /// `attache search --count QUERY`: (passages, articles).
    pub fn count(&self, query: &str) -> (u64, u64) {
        let out = self.run(&["search", "--count", query]);
        assert!(out.code == 0 || out.code == 1, "search failed\n{out}");
        parse_count(&out.stdout).unwrap_or_else(|| panic!("not `N passages in M articles`\n{out}"))
    }
}

/// Parses `N passages in M articles`.
fn parse_count(stdout: &str) -> Option<(u64, u64)> {
    let words: Vec<&str> = stdout.split_whitespace().collect();
    match words.as_slice() {
        [n, "passages" | "passage", "in", m, "articles" | "article"] => {
            Some((n.parse().ok()?, m.parse().ok()?))
        }
        _ => None,
    }
}

/// What one run of the binary did.
pub struct Output {
    pub args: Vec<String>,
    /// The exit code, or -1 when a signal ended the process.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn of(args: &[&str], output: &std::process::Output) -> Output {
        Output {
            args: args.iter().map(|s| s.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Output {
    /// The stderr lines that are warnings.
    pub fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect()
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "--- attache {}", self.args.join(" "))?;
        writeln!(f, "--- exit code: {}", self.code)?;
        writeln!(f, "--- stdout:\n{}", self.stdout)?;
        write!(f, "--- stderr:\n{}", self.stderr)
    }
}

/// The parsed output of `attache search --json`.
pub struct Search {
    pub hits: Vec<Value>,
    pub summary: Value,
    pub out: Output,
}

impl Search {
    /// `article_id#passage` of each hit, in rank order.
    pub fn locations(&self) -> Vec<String> {
        self.hits
            .iter()
            .map(|h| format!("{}#{}", h["article_id"].as_str().unwrap(), h["passage"]))
            .collect()
    }

    /// The distinct article ids among the hits, sorted.
    pub fn articles(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .hits
            .iter()
            .map(|h| h["article_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The highlighted slices of each hit's `text`, in order.
    pub fn highlighted(&self) -> Vec<Vec<String>> {
        self.hits
            .iter()
            .map(|h| {
                let text = h["text"].as_str().unwrap();
                h["byte_highlights"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let (start, end) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
                        text[start as usize..end as usize].to_owned()
                    })
                    .collect()
            })
            .collect()
    }
}

/// The tests' one pseudo-random generator: the library's SplitMix64, fixed by `seed`, so a
/// test's "random" corpus or kill moment is the same on every run.
pub fn rng(seed: u64) -> attache::generate::rng::Rng {
    attache::generate::rng::Rng::new(seed)
}

/// The UN General Debate Corpus (`../shared/corpora/ungdc`), or `None` (saying the test is
/// skipped) when it is not there.
pub fn ungdc() -> Option<PathBuf> {
    let corpus = Path::new(ROOT).join("../shared/corpora/ungdc");
    if !corpus.is_dir() {
        eprintln!("skipped: no UNGDC corpus at {}", corpus.display());
        return None;
    }
    Some(corpus.canonicalize().expect("a readable corpus folder"))
}

/// The text of a fixture file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> String {
    let path = Path::new(ROOT).join("tests/fixtures").join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Prints a quality measurement (`what` on N `units`, precision, recall, every mistake) and
/// asserts its floors: at least `min` units, precision and recall at least `floor`.
pub fn assert_quality(
    what: &str,
    units: &str,
    scores: &attache::entities::eval::Scores,
    min: usize,
    floor: (f64, f64),
) {
    let (precision, recall) = (scores.precision(), scores.recall());
    println!(
        "{what} on {} {units}, {} labelled: precision {precision:.3}, recall {recall:.3}",
        scores.passages, scores.gold
    );
    for error in &scores.errors {
        println!("  {error}");
    }
    assert!(
        scores.passages >= min,
        "the set needs at least {min} {units}"
    );
    assert!(
        precision >= floor.0,
        "precision {precision:.3} < {}",
        floor.0
    );
    assert!(recall >= floor.1, "recall {recall:.3} < {}", floor.1);
}

/// Asserts that the binary did not panic.
pub fn assert_no_panic(out: &Output) {
    assert!(!out.stderr.contains("panicked"), "attache panicked\n{out}");
}

/// Copies the files of `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("a directory entry");
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}
