//! Settings from anywhere: the index named by `--index`, `ATTACHE_INDEX` or the config file,
//! `attache config` saying where each setting came from, colour by the conventions (`--color`,
//! `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`), and the completion scripts and manual page.

use std::fs;

use crate::util::{Output, TestEnv};
use crate::{assert_one_line_error, indexed_sample};

/// Runs the binary in `dir` (relative to the environment's folder, created if missing) with
/// the variables `vars` set.
fn run_in(env: &TestEnv, dir: &str, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let cwd = env.path().join(dir);
    fs::create_dir_all(&cwd).unwrap();
    let mut command = env.command(args);
    command.current_dir(&cwd);
    for (k, v) in vars {
        command.env(k, v);
    }
    Output::of(args, &command.output().expect("run attache"))
}

/// Writes the environment's config file.
fn write_config(env: &TestEnv, text: &str) -> String {
    env.write(".config/attache/config.toml", text);
    env.path()
        .join(".config/attache/config.toml")
        .display()
        .to_string()
}

#[test]
fn the_index_is_found_from_any_folder_by_variable_or_config_file() {
    let env = indexed_sample();
    let index = env.path().join("index").display().to_string();
    let search = ["search", "--count", "Ushakov"];

    let by_var = run_in(&env, "elsewhere", &[("ATTACHE_INDEX", &index)], &search);
    assert_eq!(by_var.code, 0, "{by_var}");
    assert_eq!(by_var.stdout, "1 passage in 1 article\n", "{by_var}");

    // A relative path in the config file is taken from the file's folder.
    write_config(&env, "index = \"../../index\"\n");
    let by_file = run_in(&env, "elsewhere/deeper", &[], &search);
    assert_eq!(by_file.stdout, "1 passage in 1 article\n", "{by_file}");

    // The flag beats the variable, which beats the file.
    let flag = run_in(
        &env,
        "elsewhere",
        &[("ATTACHE_INDEX", "/nonexistent")],
        &["search", "Ushakov", "--index", &index, "--count"],
    );
    assert_eq!(flag.code, 0, "{flag}");
    let var = run_in(
        &env,
        "elsewhere",
        &[("ATTACHE_INDEX", "/nonexistent")],
        &search,
    );
    assert_eq!(
        assert_one_line_error(&var),
        "attache: no index at /nonexistent (from ATTACHE_INDEX): build one with \
         `attache index PATH`, or set ATTACHE_INDEX to an index folder"
    );
    assert!(!env.path().join("elsewhere/index").exists());
}

#[test]
fn indexing_with_the_variable_set_builds_the_index_there_from_the_config_corpus() {
    let env = TestEnv::new();
    let index = env.path().join("shared-index").display().to_string();
    write_config(&env, "corpus = [\"../../corpus\"]\n");
    let vars = [("ATTACHE_INDEX", index.as_str())];
    let out = run_in(
        &env,
        "elsewhere",
        &vars,
        &["index", "--quiet", "--threads", "1"],
    );
    assert_eq!(out.code, 0, "{out}");
    assert!(env.path().join("shared-index/CURRENT").exists(), "{out}");
    let count = run_in(&env, "elsewhere", &vars, &["search", "--count", "Ushakov"]);
    assert_eq!(count.stdout, "1 passage in 1 article\n", "{count}");
}

#[test]
fn an_index_path_holding_control_characters_is_escaped_in_the_error() {
    let env = TestEnv::empty();
    for (vars, args) in [
        (
            &[][..],
            &["search", "--index", "x\u{1b}[31mred", "peace"][..],
        ),
        (&[][..], &["stats", "--index", "x\u{1b}[31mred"]),
        (&[("ATTACHE_INDEX", "i1\n")][..], &["search", "peace"]),
    ] {
        let out = run_in(&env, ".", vars, args);
        assert_one_line_error(&out);
        assert!(!out.stderr.contains('\u{1b}'), "{out}");
        assert!(
            out.stderr.contains("no index at x\\u{1b}[31mred")
                || out
                    .stderr
                    .contains("no index at i1\\u{a} (from ATTACHE_INDEX)"),
            "{out}"
        );
    }
}

#[test]
fn search_without_an_index_or_a_corpus_here_says_how_to_fix_it() {
    let env = TestEnv::new();
    let out = run_in(&env, "elsewhere", &[], &["search", "Ushakov"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no index at index/ and no corpus/ here: pass --index, set ATTACHE_INDEX, \
         or index a corpus with `attache index PATH`"
    );
    assert!(!env.path().join("elsewhere/index").exists());
    // The default corpus of the config file is what the first search builds from.
    write_config(&env, "corpus = [\"../../corpus\"]\n");
    let built = run_in(&env, "elsewhere", &[], &["search", "--count", "Ushakov"]);
    assert_eq!(built.code, 0, "{built}");
    assert!(built.stderr.contains("building it from"), "{built}");
}

#[test]
fn a_config_file_naming_the_index_and_its_corpus_builds_it_on_the_first_search() {
    let env = TestEnv::new();
    // The index alone: the first search does not build it from the folder's `corpus/`.
    let file = write_config(&env, "index = \"../../mine\"\n");
    let alone = run_in(&env, "elsewhere", &[], &["search", "--count", "Ushakov"]);
    assert_ne!(alone.code, 0, "{alone}");
    assert!(
        assert_one_line_error(&alone).contains(&format!("(from {file})")),
        "{alone}"
    );
    assert!(!env.path().join("mine").exists());
    // With its corpus too, the first search builds it there.
    write_config(
        &env,
        "index = \"../../mine\"\ncorpus = [\"../../corpus\"]\n",
    );
    let built = run_in(&env, "elsewhere", &[], &["search", "--count", "Ushakov"]);
    assert_eq!(built.code, 0, "{built}");
    assert_eq!(built.stdout, "1 passage in 1 article\n", "{built}");
    assert!(built.stderr.contains("building it from"), "{built}");
    assert!(env.path().join("mine/CURRENT").exists(), "{built}");
    // The variable or the flag still names an index that is not built by a search.
    let other = env.path().join("other").display().to_string();
    let by_var = run_in(
        &env,
        "elsewhere",
        &[("ATTACHE_INDEX", other.as_str())],
        &["search", "Ushakov"],
    );
    assert_ne!(by_var.code, 0, "{by_var}");
    assert!(!env.path().join("other").exists());
}

#[test]
fn a_bad_config_file_is_one_line_naming_the_file_line_and_key() {
    let env = indexed_sample();
    let file = write_config(&env, "index = \"index\"\nlimit = \"ten\"\n");
    let out = env.run(&["search", "Ushakov"]);
    assert_eq!(
        assert_one_line_error(&out),
        format!(
            "attache: {file}: line 2: key `limit`: string \"ten\" is not a whole number from 1 \
             to 10000, as `limit = 20`"
        )
    );
    let file = write_config(&env, "\n\ncolour = \"never\"\n");
    let out = env.run(&["config"]);
    assert!(
        assert_one_line_error(&out).starts_with(&format!(
            "attache: {file}: line 3: key `colour`: unknown field `colour`"
        )),
        "{out}"
    );
}

#[test]
fn config_shows_each_setting_and_where_it_came_from() {
    let env = TestEnv::new();
    let file = write_config(&env, "limit = 3\ncolor = \"never\"\n");
    let out = run_in(&env, ".", &[("ATTACHE_INDEX", "/srv/index")], &["config"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.stdout,
        format!(
            "index   /srv/index  (environment ATTACHE_INDEX)\n\
             corpus  corpus  (default)\n\
             limit   3  (file {file})\n\
             color   never  (file {file})\n\
             pager   less -FRX  (default)\n\
             file    {file}\n"
        )
    );
    // Colour left to `auto` says when the environment decides it.
    let plain = TestEnv::new();
    for (var, value, want) in [
        (
            "NO_COLOR",
            "1",
            "color   auto: never (NO_COLOR in the environment)  (default)\n",
        ),
        (
            "CLICOLOR_FORCE",
            "1",
            "color   auto: always (CLICOLOR_FORCE in the environment)  (default)\n",
        ),
        (
            "CLICOLOR",
            "0",
            "color   auto: never (CLICOLOR=0 in the environment)  (default)\n",
        ),
    ] {
        let out = run_in(&plain, ".", &[(var, value)], &["config"]);
        assert!(out.stdout.contains(want), "{var}\n{out}");
    }
    let out = run_in(&plain, ".", &[], &["config"]);
    assert!(out.stdout.contains("color   auto  (default)\n"), "{out}");
    // Control characters in a value are escaped, not printed raw.
    let odd = run_in(
        &env,
        ".",
        &[("ATTACHE_INDEX", "/srv/a\u{1b}[31mred\nb")],
        &["config"],
    );
    assert!(
        odd.stdout
            .starts_with("index   /srv/a\\u{1b}[31mred\\u{a}b  (environment ATTACHE_INDEX)\n"),
        "{odd}"
    );
    let json = env.run_ok(&["config", "--json", "--index", "here"], 0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value["index"],
        serde_json::json!({"value": "here", "source": "flag", "from": "--index"})
    );
    assert_eq!(value["limit"]["source"], "file");
    assert_eq!(value["limit"]["from"], file.as_str());
    assert_eq!(value["corpus"]["value"], serde_json::json!(["corpus"]));
    assert_eq!(value["corpus"]["source"], "default");
    assert_eq!(value["config_file"]["exists"], true);

    // The file's limit applies; the flag beats it.
    env.index();
    let hits = |out: &Output| {
        out.stdout
            .lines()
            .filter(|l| l.starts_with(char::is_numeric))
            .count()
    };
    let every = ["--per-article", "0"];
    let search =
        |extra: &[&str]| env.run_ok(&[&["search", "Ukraine"], &every[..], extra].concat(), 0);
    assert_eq!(hits(&search(&[])), 3);
    assert_eq!(hits(&search(&["-n", "5"])), 5);
}

#[test]
fn colour_follows_no_color_clicolor_force_and_term_dumb() {
    let env = indexed_sample();
    let search = ["search", "Ushakov", "--color", "auto"];
    let escapes = |vars: &[(&str, &str)], args: &[&str]| {
        let out = run_in(&env, ".", vars, args);
        assert_eq!(out.code, 0, "{out}");
        out.stdout.contains('\x1b')
    };
    assert!(
        !escapes(&[("NO_COLOR", "1")], &search),
        "NO_COLOR on a pipe"
    );
    assert!(
        escapes(&[("CLICOLOR_FORCE", "1")], &search),
        "CLICOLOR_FORCE"
    );
    assert!(escapes(&[("CLICOLOR_FORCE", "1")], &["search", "Ushakov"]));
    assert!(
        !escapes(&[("CLICOLOR_FORCE", "0")], &search),
        "CLICOLOR_FORCE=0"
    );
    assert!(!escapes(&[("TERM", "dumb")], &search), "TERM=dumb");
    assert!(
        !escapes(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &search),
        "NO_COLOR beats CLICOLOR_FORCE"
    );
    assert!(
        !escapes(
            &[("CLICOLOR_FORCE", "1")],
            &["search", "Ushakov", "--color", "never"]
        ),
        "--color never beats CLICOLOR_FORCE"
    );
    assert!(escapes(
        &[("NO_COLOR", "1")],
        &["search", "Ushakov", "--color", "always"]
    ));
    // An empty NO_COLOR does not count.
    assert!(escapes(
        &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")],
        &search
    ));
    // The config file's choice is a choice, like the flag's.
    write_config(&env, "color = \"always\"\n");
    assert!(
        escapes(&[], &["search", "Ushakov"]),
        "color = always in the file"
    );
    assert!(!escapes(&[], &["search", "Ushakov", "--color", "never"]));
}

#[test]
fn completions_and_the_manual_page_name_the_commands() {
    let env = TestEnv::empty();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.run_ok(&["completions", shell], 0);
        assert!(out.stdout.contains("search"), "{shell}\n{out}");
        assert!(out.stdout.contains("attache"), "{shell}\n{out}");
    }
    let man = env.run_ok(&["man"], 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH"),
        "{man}"
    );
    assert!(man.stdout.contains("search"), "{man}");
    let bad = env.run(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2, "{bad}");
    // A write that fails is one line and exit 2, not a panic.
    if let Ok(full) = std::fs::File::create("/dev/full") {
        for args in [&["completions", "zsh"][..], &["man"]] {
            let out = env
                .command(args)
                .stdout(full.try_clone().unwrap())
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        }
    }
}

/// Runs `attache ARGS` on a terminal (through util-linux `script`) with `vars` set: its output,
/// or `None` when `script` is not installed.
pub(crate) fn run_on_a_terminal(
    env: &TestEnv,
    vars: &[(&str, &str)],
    args: &[&str],
) -> Option<String> {
    if !std::path::Path::new("/usr/bin/script").exists() {
        return None;
    }
    let line = std::iter::once(env!("CARGO_BIN_EXE_attache"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut command = std::process::Command::new("/usr/bin/script");
    command
        .args(["-qec", &line, "/dev/null"])
        .current_dir(env.path())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("ATTACHE_INDEX")
        .env_remove("PAGER")
        .env_remove("COLUMNS")
        // No pager unless a test names one: `less` would wait for keys that never come.
        .env("ATTACHE_PAGER", "")
        .env("XDG_CONFIG_HOME", env.path().join(".config"))
        .env("CI", "true") // CI services set it; it must not override TERM=dumb
        .stdin(std::process::Stdio::null());
    for (k, v) in vars {
        command.env(k, v);
    }
    let out = command.output().expect("run script");
    assert!(out.status.success(), "{out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn on_a_terminal_auto_colours_unless_term_is_dumb_or_no_color_is_set() {
    let env = indexed_sample();
    let search = ["search", "Ushakov"];
    let Some(plain_term) = run_on_a_terminal(&env, &[("TERM", "xterm")], &search) else {
        eprintln!("skipped: no /usr/bin/script");
        return;
    };
    assert!(plain_term.contains('\x1b'), "{plain_term:?}");
    for vars in [
        &[("TERM", "dumb")][..],
        &[("TERM", "xterm"), ("NO_COLOR", "1")],
        &[("TERM", "xterm"), ("CLICOLOR", "0")],
        &[("TERM", "dumb"), ("CLICOLOR", "1")],
    ] {
        let out = run_on_a_terminal(&env, vars, &search).unwrap();
        assert!(out.contains("Ushakov"), "{vars:?}: {out:?}");
        assert!(!out.contains('\x1b'), "{vars:?}: {out:?}");
    }
    let forced = run_on_a_terminal(
        &env,
        &[("TERM", "dumb")],
        &["search", "Ushakov", "--color", "always"],
    );
    assert!(forced.unwrap().contains('\x1b'));
}

#[test]
fn an_empty_corpus_list_in_the_config_file_is_named_as_such() {
    let env = TestEnv::empty();
    write_config(&env, "corpus = []\n");
    let out = run_in(&env, "elsewhere", &[], &["search", "peace"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: no index at index/ and no corpus to build it from (the config file's `corpus` \
         is empty): pass --index, set ATTACHE_INDEX, or index a corpus with `attache index PATH`"
    );
    // `attache index` without paths built an empty index, exit 0.
    let out = run_in(&env, "elsewhere", &[], &["index"]);
    assert_eq!(
        assert_one_line_error(&out),
        "attache: index: no paths given and no corpus to read (the config file's `corpus` is \
         empty): give the folders or files to index"
    );
    assert!(!env.path().join("elsewhere/index/CURRENT").exists());
}
