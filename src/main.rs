//! The `attache` binary: parse arguments, run the command, map the outcome to an exit code.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic while reading a damaged index becomes an error line naming the fix; say nothing
    // more about it. Any other panic is reported as usual.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !attache::error::is_reading_index() {
            report(info);
        }
    }));
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(code) => code,
        Err(err) if app::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("attache: {}", app::message(&err));
            ExitCode::from(2)
        }
    }
}
