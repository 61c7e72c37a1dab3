//! The JSON Lines reader: any bytes give one record per non-blank line, in order, never an error
//! (reading from memory cannot fail) and never a panic, however deep the nesting.
#![no_main]

use attache::corpus::{Format, Input, Record, read_jsonl_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let input = Input {
        path: "a.jsonl".into(),
        relative: "a.jsonl".into(),
        format: Format::JsonLines,
        size: bytes.len() as u64,
        stdin: false,
        origin: "a.jsonl".into(),
        anchor: String::new(),
    };
    let mut last_line = 0;
    read_jsonl_from(bytes, &input, &mut |record| {
        let line = match record {
            Record::Article(article, line) => {
                assert!(!article.id.trim().is_empty() && !article.body.trim().is_empty());
                line
            }
            Record::Warning(w) => {
                assert!(!w.message.contains('\n'), "{w}");
                w.line.expect("a JSON Lines warning names its line")
            }
        };
        assert!(line > last_line, "line {line} after {last_line}");
        last_line = line;
    })
    .expect("reading from memory cannot fail");
    let lines = bytes.split(|&b| b == b'\n').count();
    assert!(last_line <= lines);
});
