//! Dates at day, month or year precision.
//!
//! A partial date stands for its whole period: `2025-11` is every day of November 2025. It is
//! never completed into an invented day; filters compare periods by overlap, through
//! [`Date::first_day`] and [`Date::last_day`] (days since 1970-01-01).

use std::fmt;
use std::str::FromStr;

/// An ISO 8601 calendar date at day, month or year precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl Date {
    /// The first day of the period, as days since 1970-01-01.
    pub fn first_day(&self) -> i64 {
        days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day of the period, as days since 1970-01-01.
    pub fn last_day(&self) -> i64 {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        days_from_civil(self.year, month, day)
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }
}

impl FromStr for Date {
    type Err = String;

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the error says what is wrong with the value.
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = |why: &str| format!("invalid date '{s}': {why}");
        let mut parts = s.split('-');
        let number = |part: Option<&str>, width: usize| -> Result<Option<u32>, String> {
            match part {
                None => Ok(None),
                Some(p) if p.len() == width && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().expect("digits")))
                }
                Some(_) => Err(bad("expected YYYY, YYYY-MM or YYYY-MM-DD")),
            }
        };
        let year = number(parts.next(), 4)?.ok_or_else(|| bad("empty"))?;
        let month = number(parts.next(), 2)?;
        let day = number(parts.next(), 2)?;
        if parts.next().is_some() {
            return Err(bad("expected YYYY, YYYY-MM or YYYY-MM-DD"));
        }
        if year == 0 {
            return Err(bad("there is no year 0"));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(bad(&format!("month {m} does not exist")));
        }
        if let (Some(m), Some(d)) = (month, day) {
            let max = days_in_month(year as i32, m as u8);
            if d == 0 || d > u32::from(max) {
                return Err(bad(&format!("day {d} does not exist in that month")));
            }
        }
        Ok(Date {
            year: year as i32,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The days in `month` (1–12) of `year`, in the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision_and_shows_it_as_written() {
        for s in ["2025", "2025-11", "2025-11-24", "1946", "2024-02-29"] {
            assert_eq!(s.parse::<Date>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn a_partial_date_spans_its_whole_period() {
        let d: Date = "2025-11".parse().unwrap();
        assert_eq!(d.last_day() - d.first_day(), 29);
        let y: Date = "2024".parse().unwrap();
        assert_eq!(y.last_day() - y.first_day(), 365);
        let day: Date = "1970-01-01".parse().unwrap();
        assert_eq!((day.first_day(), day.last_day()), (0, 0));
        let day: Date = "2025-11-24".parse().unwrap();
        assert_eq!(day.first_day(), 20_416);
    }

    #[test]
    fn rejects_impossible_dates_with_the_reason() {
        let cases = [
            (
                "2025-13-45",
                "invalid date '2025-13-45': month 13 does not exist",
            ),
            (
                "2025-02-29",
                "invalid date '2025-02-29': day 29 does not exist in that month",
            ),
            (
                "2025-1-5",
                "invalid date '2025-1-5': expected YYYY, YYYY-MM or YYYY-MM-DD",
            ),
            (
                "yesterday",
                "invalid date 'yesterday': expected YYYY, YYYY-MM or YYYY-MM-DD",
            ),
            ("0000", "invalid date '0000': there is no year 0"),
            ("", "invalid date '': expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ];
        for (input, want) in cases {
            assert_eq!(input.parse::<Date>().unwrap_err(), want, "{input}");
        }
    }
}
