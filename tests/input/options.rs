//! Numeric options are checked before anything runs; generator models before sampling.

use crate::util::{TestEnv, assert_no_panic};

#[test]
fn numeric_options_out_of_range_are_refused_before_anything_runs() {
    let env = TestEnv::new();
    let cases: [(&[&str], &str); 9] = [
        (
            &["search", "x", "--limit", "1000000000"],
            "attache: invalid value '1000000000' for '--limit <N>': 1000000000 is not in 1..=10000",
        ),
        (
            &["search", "x", "--timeout", "1e19"],
            "attache: invalid value '1e19' for '--timeout <SECS>': '1e19' is not a number of \
             seconds in 0..=86400, like 10 or 0.5",
        ),
        (
            &["index", "--memory", "10000"],
            "attache: invalid value '10000' for '--memory <MB>': 10000 is not in 15..=4095",
        ),
        (
            &["index", "--threads", "100000"],
            "attache: invalid value '100000' for '--threads <N>': 100000 is not in 1..=1024",
        ),
        (
            &["bench", "--runs", "0"],
            "attache: invalid value '0' for '--runs <N>': 0 is not in 1..=100000",
        ),
        // A negative number is a value out of range, not an unknown flag with clap's usage.
        (
            &["search", "-n", "-1", "x"],
            "attache: invalid value '-1' for '--limit <N>': -1 is not in 1..=10000",
        ),
        (
            &["search", "x", "--offset", "-5"],
            "attache: invalid value '-5' for '--offset <N>': -5 is not in 0..=10000",
        ),
        (
            &["search", "x", "--timeout", "-1"],
            "attache: invalid value '-1' for '--timeout <SECS>': '-1' is not a number of \
             seconds in 0..=86400, like 10 or 0.5",
        ),
        (
            &["index", "--threads", "-2"],
            "attache: invalid value '-2' for '--threads <N>': -2 is not in 1..=1024",
        ),
    ];
    for (args, want) in cases {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{out}");
        assert_no_panic(&out);
        assert_eq!(out.stderr.trim_end(), want, "one line\n{out}");
    }
    // Nothing was written: not even an empty index.
    assert!(!env.path().join("index").exists());
    // The bounds themselves are accepted, and a memory budget at tantivy's ceiling indexes.
    env.run_ok(
        &["index", "--threads", "1", "--memory", "4095", "--quiet"],
        0,
    );
    env.run_ok(
        &[
            "search",
            "Ushakov",
            "--limit",
            "10000",
            "--timeout",
            "86400",
        ],
        0,
    );
}

#[test]
fn a_model_whose_weights_are_all_zero_is_one_error_line_naming_file_and_line() {
    let env = TestEnv::empty();
    env.write(
        "zero.tsv",
        "format\t1\nsentence\t12\t5\nyear\t1990\t1\nword\tthe\t0\nword\tpeace\t0\n",
    );
    let out = env.run(&["gen", "--articles", "3", "--model", "zero.tsv"]);
    assert_eq!(out.code, 2, "{out}");
    assert_no_panic(&out);
    assert_eq!(
        out.stderr.trim_end(),
        "attache: zero.tsv: model line 4: every `word` count is 0: at least one must be above 0"
    );
    assert_eq!(out.stdout, "");
}
