//! The `attache` binary: parse arguments, run the command, map the outcome to an exit code.

mod app;
mod cli;
mod exit;

use std::process::ExitCode;

use clap::error::ErrorKind;
use exit::Exit;

fn main() -> ExitCode {
    // A panic while reading the index becomes one error line (damage naming the fix, or an
    // internal error with the panic's message and place); say nothing more about it. Any other
    // panic is reported as usual.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if attache::error::is_reading_index() {
            attache::error::remember_panic(info);
        } else {
            report(info);
        }
    }));
    let cli = match cli::Cli::parse_args() {
        Ok(cli) => cli,
        // A bad value is one line, like every other error; clap's usage help stays for the
        // rest (a missing argument, an unknown flag), where it shows the fix.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::ValueValidation | ErrorKind::InvalidValue
            ) =>
        {
            let text = e.render().to_string();
            let lines: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.is_empty())
                .collect();
            eprintln!("attache: {}", lines.join(" ").trim_start_matches("error: "));
            return Exit::Failure.into();
        }
        Err(e) => e.exit(),
    };
    match app::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) if app::is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) => {
            eprintln!("attache: {}", app::message(&err));
            Exit::Failure.into()
        }
    }
}
