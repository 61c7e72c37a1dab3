//! Reading an index without write access: a read-only folder, or an index built by another
//! user. Searching needs no write access, and every file of an index is created with the
//! umask (0644 under the usual 022), so that others can read it.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::indexed_sample;
use crate::util::{Output, TestEnv, assert_no_panic};

/// The commands that only read the index.
const READERS: [&[&str]; 5] = [
    &["search", "Geneva"],
    &["search", "--count", "Ushakov"],
    &["stats"],
    &["check"],
    &["entities"],
];

/// The umask this process (and the binary it runs) creates files with, from /proc.
fn umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and folder under `dir`, with its mode.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| (e.path().display().to_string(), mode(e.path())))
        .collect()
}

/// Sets `mode` on `dir` and everything under it.
fn chmod_all(dir: &Path, write: bool) {
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry.unwrap().into_path();
        let mut permissions = fs::metadata(&path).unwrap().permissions();
        let m = permissions.mode();
        permissions.set_mode(if write { m | 0o200 } else { m & !0o222 });
        fs::set_permissions(&path, permissions).unwrap();
    }
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
}

/// Runs `attache ARGS` in `env` as another user (`nobody`, through `setpriv`) when the tests
/// run as root, for whom permissions are not enforced; as this user otherwise. `None` when
/// root cannot switch user here.
fn run_as_other(env: &TestEnv, args: &[&str]) -> Option<Output> {
    let mut command = if is_root() {
        if !Path::new("/usr/bin/setpriv").exists() {
            return None;
        }
        fs::set_permissions(env.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_attache"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_attache"))
    };
    let output = command
        .args(args)
        .current_dir(env.path())
        .env_remove("ATTACHE_INDEX")
        .output()
        .unwrap();
    Some(Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[test]
fn index_files_are_created_with_the_umask_including_meta_json() {
    let env = indexed_sample();
    // Every commit rewrites meta.json through an atomic write, which used a 0600 file: after
    // updates, a merge and a full rebuild.
    env.write(
        "corpus/new.txt",
        " date 2025-11-25 A wombat visited Geneva.\n",
    );
    env.index();
    env.run_ok(&["optimize"], 0);
    env.run_ok(&["index", "--full", "--threads", "1", "--quiet"], 0);
    env.write("corpus/new.txt", " date 2025-11-25 A wombat left Geneva.\n");
    env.index();
    let (file, folder) = (0o666 & !umask(), 0o777 & !umask());
    for (path, mode) in modes(&env.path().join("index")) {
        let wanted = if Path::new(&path).is_dir() {
            folder
        } else {
            file
        };
        assert_eq!(mode, wanted, "{path} is {mode:o}, not {wanted:o}");
    }
}

#[test]
fn searching_works_when_the_meta_lock_file_cannot_be_created() {
    let env = indexed_sample();
    let generation = env.generation_dir();
    // No user, root included, can create or write a file where a folder is.
    let lock = generation.join(".tantivy-meta.lock");
    fs::remove_file(&lock).unwrap();
    fs::create_dir(&lock).unwrap();
    for args in READERS {
        let out = env.run(args);
        assert_eq!(out.code, 0, "{out}");
        assert_no_panic(&out);
    }
}

#[test]
fn a_read_only_index_of_another_user_can_be_searched() {
    let env = indexed_sample();
    let index = env.path().join("index");
    let before = modes(&index);
    chmod_all(&index, false);
    let Some(_) = run_as_other(&env, &["stats"]) else {
        eprintln!("skipped: running as root without setpriv");
        chmod_all(&index, true);
        return;
    };
    for args in READERS {
        let out = run_as_other(&env, args).unwrap();
        assert_eq!(out.code, 0, "{out}");
        assert_no_panic(&out);
    }
    let count = run_as_other(&env, &["search", "--count", "Ushakov"]).unwrap();
    assert_eq!(count.stdout, "1 passage in 1 article\n", "{count}");
    // Writing it is refused in one line that says why, not as the lock file's os error.
    for args in [&["index"][..], &["optimize"], &["index", "--full"]] {
        let out = run_as_other(&env, args).unwrap();
        let line = crate::assert_one_line_error(&out);
        assert!(
            line.starts_with("attache: index: cannot write the index: no permission to write")
                && line.ends_with("nothing was changed"),
            "{out}"
        );
    }
    // A dry run writes nothing, so it previews what it would do (it said "internal error"
    // about tantivy's lock file, and a full one previewed the index as empty).
    for args in [
        &["index", "--dry-run"][..],
        &["index", "--full", "--dry-run"],
    ] {
        let out = run_as_other(&env, args).unwrap();
        assert_eq!(out.code, 0, "{out}");
        assert!(
            out.stderr
                .contains("would add 0, change 0, remove 0 articles; 2 unchanged"),
            "{out}"
        );
    }
    chmod_all(&index, true);
    assert_eq!(modes(&index).len(), before.len(), "reading created no file");
}

#[test]
fn an_unreadable_index_file_is_named_as_unreadable_not_damaged() {
    let env = indexed_sample();
    let meta = env.generation_dir().join("meta.json");
    fs::set_permissions(&meta, fs::Permissions::from_mode(0o600)).unwrap();
    if !is_root() && fs::read(&meta).is_ok() {
        return; // the owner can read it anyway
    }
    let Some(out) = run_as_other(&env, &["search", "Geneva"]) else {
        return;
    };
    let line = crate::assert_one_line_error(&out);
    assert!(
        line.starts_with("attache: index/gen-")
            && line.ends_with("/meta.json: permission denied (os error 13)"),
        "{line}"
    );
}
