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

    /// How precisely the date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (_, Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            (None, None) => Precision::Year,
        }
    }

    /// The period of `precision` holding this date: `2025-11-24` at month precision is
    /// `2025-11`. `None` when the date is known less precisely (`2025` has no month).
    pub fn at(&self, precision: Precision) -> Option<Date> {
        (self.precision() >= precision).then(|| Date {
            year: self.year,
            month: self.month.filter(|_| precision >= Precision::Month),
            day: self.day.filter(|_| precision >= Precision::Day),
        })
    }

    /// The date written for the period from day `first` to day `last` (days since 1970-01-01,
    /// as [`Date::first_day`] and [`Date::last_day`] give them), if it is one day, one month or
    /// one year.
    pub fn from_days(first: i64, last: i64) -> Option<Date> {
        let (y, m, d) = civil_from_days(first);
        let (y2, m2, d2) = civil_from_days(last);
        let date = if first == last {
            Date {
                year: y,
                month: Some(m),
                day: Some(d),
            }
        } else if y == y2 && m == m2 && d == 1 && d2 == days_in_month(y, m) {
            Date {
                year: y,
                month: Some(m),
                day: None,
            }
        } else if y == y2 && (m, d, m2, d2) == (1, 1, 12, 31) {
            Date {
                year: y,
                month: None,
                day: None,
            }
        } else {
            return None;
        };
        (y > 0).then_some(date)
    }

    /// The period of the same precision right after this one: the next day, month or year.
    pub fn next(&self) -> Date {
        match self.precision() {
            Precision::Day => {
                let (year, month, day) = civil_from_days(self.first_day() + 1);
                Date {
                    year,
                    month: Some(month),
                    day: Some(day),
                }
            }
            Precision::Month => {
                let month = self.month.unwrap_or(1);
                Date {
                    year: self.year + i32::from(month == 12),
                    month: Some(month % 12 + 1),
                    day: None,
                }
            }
            Precision::Year => Date {
                year: self.year + 1,
                ..*self
            },
        }
    }
}

/// Day `days` (since 1970-01-01) written `YYYY-MM-DD`, as exports give a period's first and last
/// day.
pub fn day_text(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// How precisely a date is known, coarsest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `2025`.
    Year,
    /// `2025-11`.
    Month,
    /// `2025-11-24`.
    Day,
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

/// The proleptic Gregorian date of a day since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
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
        assert_eq!(day_text(20_416), "2025-11-24");
        let year: Date = "1946".parse().unwrap();
        assert_eq!(day_text(year.first_day()), "1946-01-01");
        assert_eq!(day_text(year.last_day()), "1946-12-31");
    }

    #[test]
    fn a_period_of_days_reads_back_as_the_date_written() {
        for s in [
            "2025",
            "2025-11",
            "2025-11-24",
            "1946",
            "2024-02",
            "2024-02-29",
            "1970-01-01",
        ] {
            let d: Date = s.parse().unwrap();
            assert_eq!(Date::from_days(d.first_day(), d.last_day()), Some(d), "{s}");
        }
        let nov: Date = "2025-11".parse().unwrap();
        let dec: Date = "2025-12".parse().unwrap();
        // Two months, or a month and a day, are no date.
        assert_eq!(Date::from_days(nov.first_day(), dec.last_day()), None);
        assert_eq!(Date::from_days(nov.first_day(), nov.first_day() + 3), None);
    }

    #[test]
    fn periods_coarsen_and_follow_each_other() {
        let day: Date = "2024-12-31".parse().unwrap();
        assert_eq!(day.at(Precision::Month).unwrap().to_string(), "2024-12");
        assert_eq!(day.at(Precision::Year).unwrap().to_string(), "2024");
        let year: Date = "2023".parse().unwrap();
        assert_eq!(year.at(Precision::Month), None, "a year has no month");
        assert_eq!(day.next().to_string(), "2025-01-01");
        assert_eq!(
            day.at(Precision::Month).unwrap().next().to_string(),
            "2025-01"
        );
        let leap: Date = "2024-02-28".parse().unwrap();
        assert_eq!(leap.next().to_string(), "2024-02-29");
        assert_eq!(year.next().to_string(), "2024");
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
