//! The exit codes of `attache`, one home for all of them (as fd's `ExitCode`): every command
//! returns an [`Exit`], and `main` alone turns it into the process's status.

use std::process::ExitCode;

/// How a run of `attache` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done (a search found something).
    Success = 0,
    /// Done, and nothing matched: `search` without hits, `entities` or `entity` finding none.
    NoMatch = 1,
    /// A failure, said in one line on stderr; also a batch (`search --queries`, `bench`) in
    /// which a query failed while the rest ran.
    Failure = 2,
    /// `index --strict` finished, but inputs were skipped.
    Skipped = 3,
    /// `index` was interrupted (Ctrl-C or SIGTERM) and kept what it had read; `export` or
    /// `optimize` was, and left nothing behind.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_those_the_readme_documents() {
        let codes = [
            Exit::Success,
            Exit::NoMatch,
            Exit::Failure,
            Exit::Skipped,
            Exit::Interrupted,
        ]
        .map(|e| e as u8);
        assert_eq!(codes, [0, 1, 2, 3, 130]);
    }
}
