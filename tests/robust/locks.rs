//! Who holds the writer lock, and commands that only read: a lock held by another program
//! names no stale pid, and no read-only command creates anything where there is no index.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::TestEnv;
use crate::{assert_one_line_error, indexed_sample};

/// Waits until some process holds the flock on `lock`.
fn wait_until_held(lock: &Path) {
    let started = Instant::now();
    loop {
        let file = fs::File::open(lock).unwrap();
        match file.try_lock_shared() {
            Err(fs::TryLockError::WouldBlock) => return,
            _ => {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "the lock was never taken"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

#[test]
fn a_lock_held_by_another_program_names_no_stale_pid() {
    if !Path::new("/usr/bin/flock").exists() {
        eprintln!("skipped: no flock(1)");
        return;
    }
    let env = indexed_sample();
    let lock = env.path().join("index/.lock");
    // flock holds the lock while `cat` waits for the end of its input.
    let mut holder = Command::new("/usr/bin/flock")
        .arg(&lock)
        .arg("cat")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_held(&lock);
    // The pid the last writer left, now another program's (pids are reused): this test's own,
    // and the lock holder's.
    for pid in [std::process::id(), holder.id()] {
        fs::write(&lock, pid.to_string()).unwrap();
        for args in [&["index", "--threads", "1"][..], &["optimize"]] {
            let out = env.run(args);
            assert_eq!(
                assert_one_line_error(&out),
                "attache: index: index is being written by another process (it holds the \
                 index's .lock); wait for it to finish"
            );
        }
    }
    drop(holder.stdin.take());
    holder.wait().unwrap();
    env.index();
}

#[test]
fn read_only_commands_on_a_missing_index_create_nothing() {
    let env = TestEnv::new();
    env.write("queries.txt", "Geneva\n");
    fs::create_dir(env.path().join("empty")).unwrap();
    for index in ["missing/", "empty"] {
        let commands: [&[&str]; 8] = [
            &["optimize", "--index", index],
            &["search", "--index", index, "Geneva"],
            &["search", "--count", "--index", index, "Geneva"],
            &["stats", "--index", index],
            &["check", "--index", index],
            &["entities", "--index", index],
            &["entity", "--index", index, "Ushakov"],
            &["bench", "--index", index, "--queries", "queries.txt"],
        ];
        for args in commands {
            let out = env.run(args);
            assert_eq!(
                assert_one_line_error(&out),
                format!(
                    "attache: no index at {index}: build one with \
                     `attache index PATH --index {index}`"
                ),
            );
        }
    }
    assert!(!env.path().join("missing").exists(), "missing/ was created");
    let inside: Vec<_> = fs::read_dir(env.path().join("empty")).unwrap().collect();
    assert!(
        inside.is_empty(),
        "files were created in empty/: {inside:?}"
    );
}
