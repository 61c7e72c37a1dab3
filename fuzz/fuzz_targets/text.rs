//! The article text parser: any bytes are an article with a non-empty body, or a warning whose
//! line lies within the file.
#![no_main]

use attache::corpus::parse_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match parse_text("a.txt", bytes) {
        Ok(article) => {
            assert!(!article.body.trim().is_empty());
            assert_eq!(article.body, article.body.trim());
            assert!(article.date.first_day() <= article.date.last_day());
        }
        Err((line, message)) => {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(line.is_none_or(|l| (1..=lines).contains(&l)), "{line:?}: {message}");
            assert!(!message.is_empty() && !message.contains('\n'), "{message}");
        }
    }
});
