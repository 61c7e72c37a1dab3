//! Robustness: no input may crash attache and no run may lose data. Hostile queries, hostile
//! corpora and damaged indexes each get a one-line report (a query error with its column, a
//! warning with path and line, an index error naming the folder and the fix); never a panic or
//! a hang. `props` checks properties of parsing, planning, indexing and searching on random
//! input. The big inputs (a 1 GB line, 100,000 files) are generated on the fly by ignored tests:
//!
//! ```text
//! cargo test --release -- --ignored hostile
//! ```

mod access;
mod concurrent;
mod corpora;
mod damaged;
mod fuzzed;
pub(crate) mod leftovers;
mod locks;
mod props;
mod queries;
mod runs;

use std::path::Path;

use crate::util::{Output, TestEnv};

use attache::index::{IndexDir, build};

/// Builds an index of `corpus` into `index` with one thread, through the library.
pub fn build_index(corpus: &Path, index: &Path) -> build::RunSummary {
    let options = build::BuildOptions {
        threads: 1,
        memory_bytes: 50 << 20,
        ..build::BuildOptions::new(vec![corpus.to_path_buf()])
    };
    build::build(&IndexDir::new(index), &options, &mut build::Silent).expect("build an index")
}

/// Whether `text` holds a character a terminal would act on (an escape, a line break).
pub fn has_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

/// Peak memory of `attache ARGS` in `env`, in kB, measured by GNU time.
pub fn peak_kb(env: &TestEnv, args: &[&str]) -> (Output, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.exists(),
        "these measurements need GNU time (/usr/bin/time)"
    );
    let output = std::process::Command::new(time)
        .args(["-f", "peak %M"])
        .arg(env!("CARGO_BIN_EXE_attache"))
        .args(args)
        .current_dir(env.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let peak = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak "))
        .next_back()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak in {stderr}"));
    let out = Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    };
    (out, peak)
}
