//! The date parser: any string is a date that prints back as written, or an error naming it.
#![no_main]

use attache::corpus::Date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match text.parse::<Date>() {
        Ok(date) => {
            assert_eq!(date.to_string(), text);
            assert!(date.first_day() <= date.last_day());
            assert!(date.last_day() - date.first_day() < 366);
        }
        Err(message) => {
            assert!(message.starts_with("invalid date '"), "{message}");
        }
    }
});
