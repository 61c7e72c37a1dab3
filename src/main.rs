//! The `attache` binary: parse arguments, run the command, map the outcome to an exit code.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

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
