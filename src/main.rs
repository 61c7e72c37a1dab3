//! The `attache` binary: parse arguments, run the command, map the outcome to an exit code.

/// `eprintln!` that ignores a failed write: a closed standard error (`2>&1 | head -1`) must
/// not turn a finished search into a panic. Defined before the modules, it is the one they use.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that ignores a failed write, as [`eprintln!`] does.
#[allow(unused_macros)]
macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that ignores a failed write, as [`eprintln!`] does: a reader that stops reading
/// (`attache index --dry-run | head -1`) is no failure.
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod app;
mod cli;
mod exit;

use std::process::ExitCode;

use attache::error::printable;
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
        // A bad value is one line, like every other error.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::ValueValidation | ErrorKind::InvalidValue
            ) =>
        {
            let line = bad_value(&e).unwrap_or_else(|| {
                let text = e.render().to_string();
                let lines: Vec<&str> = text
                    .lines()
                    .map(str::trim)
                    .take_while(|l| !l.is_empty())
                    .collect();
                lines.join(" ").trim_start_matches("error: ").to_owned()
            });
            eprintln!("attache: {}", printable(&line));
            return Exit::Failure.into();
        }
        Err(e) if e.kind() == ErrorKind::UnknownArgument => {
            if let Some((flag, value)) = value_like_an_option(&e) {
                eprintln!(
                    "attache: '{value}' is not a value for {flag}: a value that starts with `-` \
                     is written {flag}={value}"
                );
                return Exit::Failure.into();
            }
            if let Some((command, id)) = dashed_name(&e) {
                eprintln!(
                    "attache: '{id}' is not an option: a name that starts with `-` goes last, \
                     after `--`, with every option before it (attache {command} [OPTIONS] -- {id})"
                );
                return Exit::Failure.into();
            }
            if let Some(word) = excluded_word(&e) {
                // A whole query quoted (words apart outside its phrases) that starts with `-`
                // is quoted already: only `--` helps.
                let mut phrase = false;
                let several = word.chars().any(|c| {
                    phrase ^= c == '"';
                    c.is_whitespace() && !phrase
                });
                match several {
                    true => eprintln!(
                        "attache: '{word}' is not an option: a query that starts with `-` goes \
                         last, after `--`, with every option before it (… -- '{word}')"
                    ),
                    false => eprintln!(
                        "attache: '{word}' is not an option: to exclude a word, quote the whole \
                         query ('… {word}') or put -- before the query"
                    ),
                }
                return Exit::Failure.into();
            }
            return usage_error(&e);
        }
        Err(e) => return usage_error(&e),
    };
    match app::run(cli) {
        Ok(exit) => exit.into(),
        Err(err) if app::is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) => {
            // One line, whatever a path or value in it holds: control characters escaped.
            eprintln!("attache: {}", printable(&app::message(&err)));
            Exit::Failure.into()
        }
    }
}

/// A value an option's check refused, from the error's parts: clap's rendering drops the
/// control characters of the value as typed (`--by $'ye\x01ar'` read "invalid value 'year' …
/// 'year' is not a facet"), which the line escapes instead.
fn bad_value(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    use std::error::Error as _;
    let (Some(ContextValue::String(arg)), Some(ContextValue::String(value))) = (
        e.get(ContextKind::InvalidArg),
        e.get(ContextKind::InvalidValue),
    ) else {
        return None;
    };
    let why = e.source()?;
    Some(format!("invalid value '{value}' for '{arg}': {why}"))
}

/// A mistake on the command line (an unknown flag or command, a missing argument) as one line
/// with clap's tip and the usage that shows the fix; help and version are printed as they are.
fn usage_error(e: &clap::Error) -> ExitCode {
    // `attache` alone prints its help, where the commands are.
    if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        e.exit()
    }
    let text = e.render().to_string();
    let (mut what, mut tips, mut usage) = (Vec::new(), Vec::new(), None);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(tip) = line.strip_prefix("tip: ") {
            tips.push(tip);
        } else if let Some(rest) = line.strip_prefix("Usage: ") {
            usage = Some(rest);
        } else if !line.starts_with("For more information") {
            what.push(line.trim_start_matches("error: "));
        }
    }
    let mut line = what.join(" ");
    if !tips.is_empty() {
        line += &format!(" ({})", tips.join("; "));
    }
    if let Some(usage) = usage {
        line += &format!("; usage: {usage}");
    }
    eprintln!("attache: {} (more with --help)", printable(&line));
    Exit::Failure.into()
}

/// The option and the value clap took for an unknown option when it follows an option that
/// takes a value (`--since -5`: clap reads `-5` as an option and `--since` as missing its value).
fn value_like_an_option(e: &clap::Error) -> Option<(String, String)> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(invalid)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = cli::Cli::command();
    let sub = command.find_subcommand(args.first()?)?;
    let at = args.iter().position(|a| a.starts_with(invalid.as_str()))?;
    let flag = args.get(at.checked_sub(1)?)?;
    let takes_value = sub.get_arguments().any(|arg| {
        let named = flag.strip_prefix("--").map_or_else(
            || {
                // A short flag: one dash and its letter (`20`, a value, names no option).
                let short = flag.strip_prefix('-').and_then(|s| s.chars().next());
                short.is_some_and(|c| Some(c) == arg.get_short()) && flag.len() == 2
            },
            |long| arg.get_long() == Some(long),
        );
        named && arg.get_action().takes_values()
    });
    takes_value.then(|| (flag.clone(), args[at].clone()))
}

/// The argument clap took for an unknown short option when it reads as a word to exclude
/// (`-war` in `attache search peace -war`, which clap reports as `-w`; `-1990`, `-@gromyko`,
/// `-"cold war"`, `-x`): one dash and what follows it, typed after a command that takes a
/// query.
fn excluded_word(e: &clap::Error) -> Option<String> {
    dashed_argument(e, &["search", "entities", "facets", "who"]).map(|(_, word)| word)
}

/// The command and the id or name clap took for an unknown option in a command that takes an
/// article id or an entity's name (`attache show -rf.txt`).
fn dashed_name(e: &clap::Error) -> Option<(String, String)> {
    dashed_argument(e, &["show", "entity"])
}

/// The command (one of `commands`) and the argument after it that clap read as the unknown
/// option it reports: one dash and at least one more character, never `--…`.
fn dashed_argument(e: &clap::Error, commands: &[&str]) -> Option<(String, String)> {
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(invalid)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().filter(|c| commands.contains(&c.as_str()))?;
    let argument = args.iter().skip(1).find(|arg| {
        arg.starts_with(invalid.as_str()) && !arg.starts_with("--") && arg.chars().count() >= 2
    })?;
    Some((command.clone(), argument.clone()))
}
