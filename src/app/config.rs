//! Where each setting comes from: a flag, else an environment variable, else the config file,
//! else the built-in default. The index folder is `--index`, `ATTACHE_INDEX`, the file's `index`
//! or `index/`; the default corpus roots are the file's `corpus` or `corpus/`; the search limit
//! and colour are their flags, the file's `limit` and `color`, or 10 and `auto`; the pager is
//! `ATTACHE_PAGER`, the file's `pager`, `PAGER` or `less -FRX` (git's order for its pager).
//!
//! The config file is `$XDG_CONFIG_HOME/attache/config.toml`, else
//! `~/.config/attache/config.toml`; a missing file is no error. Relative paths in it are taken
//! from the file's folder, and a leading `~/` from the home folder, so it reads the same from
//! anywhere. A bad file is one error line naming the file, the line and the key; a file that is
//! there but unreadable is an error too, while one behind a folder this user cannot enter is
//! treated as absent.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;
use toml::Spanned;

use crate::cli::{ColorChoice, MAX_LIMIT};

/// The variable naming the index folder.
pub const INDEX_VAR: &str = "ATTACHE_INDEX";
/// The default index folder, relative to the working directory.
pub const DEFAULT_INDEX: &str = "index";
/// The default corpus, relative to the working directory.
pub const DEFAULT_CORPUS: &str = "corpus";
/// The default number of passages `search` shows.
pub const DEFAULT_LIMIT: usize = 10;
/// The variable naming attache's pager, before the file's `pager` and `PAGER`.
pub const PAGER_VAR: &str = "ATTACHE_PAGER";
/// The pager when nothing names one: quits at once when the text fits one screen (`-F`),
/// passes colours through (`-R`), and leaves the text on the screen (`-X`).
pub const DEFAULT_PAGER: &str = "less -FRX";

/// Where a setting in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, by name (`--index`).
    Flag(&'static str),
    /// An environment variable, by name.
    Env(&'static str),
    /// The config file.
    File(PathBuf),
    /// The built-in default.
    Default,
}

impl Source {
    /// `flag`, `environment`, `file` or `default`, for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Flag(_) => "flag",
            Source::Env(_) => "environment",
            Source::File(_) => "file",
            Source::Default => "default",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::File(path) => write!(f, "file {}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The values given on the command line, which beat every other source.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub index: Option<PathBuf>,
    pub limit: Option<usize>,
    pub color: Option<ColorChoice>,
}

/// Every setting in force, each with its source.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file looked for, if a place for it is known, and whether it exists.
    pub file: Option<(PathBuf, bool)>,
    pub index: Setting<PathBuf>,
    pub corpus: Setting<Vec<PathBuf>>,
    pub limit: Setting<usize>,
    pub color: Setting<ColorChoice>,
    /// The pager's command line; empty (or `cat`) for none.
    pub pager: Setting<String>,
}

/// The config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    index: Option<Spanned<PathBuf>>,
    corpus: Option<Spanned<Vec<PathBuf>>>,
    limit: Option<Spanned<i64>>,
    color: Option<Spanned<String>>,
    pager: Option<String>,
}

impl Settings {
    /// The settings for `flags`, reading the process's environment and the config file.
    ///
    /// # Errors
    /// When the config file cannot be read or is not valid.
    pub fn load(flags: Flags) -> anyhow::Result<Settings> {
        let env = |name: &str| std::env::var_os(name);
        let file = config_path(&env);
        let text = match &file {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) => Some(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                // A folder on the way that this user may not enter (`sudo -u` keeps HOME):
                // whether a file is there cannot be known, so there is none for this user.
                Err(e)
                    if e.kind() == std::io::ErrorKind::PermissionDenied
                        && std::fs::metadata(path).is_err() =>
                {
                    None
                }
                Err(e) => {
                    let why = e.to_string();
                    let mut chars = why.chars();
                    let why: String = chars
                        .next()
                        .into_iter()
                        .flat_map(char::to_lowercase)
                        .chain(chars)
                        .collect();
                    anyhow::bail!(
                        "{}: {why}: make the config file readable, or set XDG_CONFIG_HOME to \
                         another folder",
                        path.display()
                    )
                }
            },
            None => None,
        };
        Settings::resolve(flags, &env, file, text.as_deref())
    }

    /// The settings for `flags`, the environment `env` and the config file at `file` holding
    /// `text` (`None` when there is none).
    ///
    /// # Errors
    /// When `text` is not a valid config file.
    pub fn resolve(
        flags: Flags,
        env: &dyn Fn(&str) -> Option<OsString>,
        file: Option<PathBuf>,
        text: Option<&str>,
    ) -> anyhow::Result<Settings> {
        let parsed = match (&file, text) {
            (Some(path), Some(text)) => parse(path, text)?,
            _ => FileConfig::default(),
        };
        let from_file = || Source::File(file.clone().unwrap_or_default());
        let base = file
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        let path = file.clone().unwrap_or_default();
        // A key's bad value: one line naming the file, the line and the key.
        let key_error = |key: &str, at: usize, why: &str| {
            let line = line_of(text.unwrap_or_default(), at);
            anyhow::anyhow!("{}: line {line}: key `{key}`: {why}", path.display())
        };
        let home = env("HOME").map(PathBuf::from);
        let place = |p: &Path| config_relative(p, base, home.as_deref());

        // A `~/` the shell left as written (quoted, or set in a service's environment) is the
        // home folder, as in the config file, not a folder named `~` here.
        let tilde = |p: PathBuf, from: &str| -> anyhow::Result<PathBuf> {
            tilde_in(&p, home.as_deref()).ok_or_else(|| {
                anyhow::anyhow!(
                    "{from} '{}' starts with `~` and HOME is not set: give the folder's full path",
                    p.display()
                )
            })
        };
        let index = if let Some(dir) = flags.index {
            Setting {
                value: tilde(dir, "--index")?,
                source: Source::Flag("--index"),
            }
        } else if let Some(dir) = env(INDEX_VAR).filter(|v| !v.is_empty()) {
            Setting {
                value: tilde(PathBuf::from(dir), INDEX_VAR)?,
                source: Source::Env(INDEX_VAR),
            }
        } else if let Some(dir) = &parsed.index {
            // `index = ""` would be the config file's own folder.
            if dir.get_ref().to_string_lossy().trim().is_empty() {
                return Err(key_error(
                    "index",
                    dir.span().start,
                    "an empty path: name the index folder, as `index = \"~/attache/index\"`",
                ));
            }
            Setting {
                value: place(dir.get_ref()),
                source: from_file(),
            }
        } else {
            Setting {
                value: PathBuf::from(DEFAULT_INDEX),
                source: Source::Default,
            }
        };
        if let Some(roots) = &parsed.corpus
            && roots
                .get_ref()
                .iter()
                .any(|r| r.to_string_lossy().trim().is_empty())
        {
            return Err(key_error(
                "corpus",
                roots.span().start,
                "an empty path in the list: name each folder, as `corpus = [\"~/corpora/ungdc\"]`",
            ));
        }
        let corpus = match &parsed.corpus {
            Some(roots) => Setting {
                value: roots.get_ref().iter().map(|p| place(p)).collect(),
                source: from_file(),
            },
            None => Setting {
                value: vec![PathBuf::from(DEFAULT_CORPUS)],
                source: Source::Default,
            },
        };
        let limit = match (flags.limit, &parsed.limit) {
            (Some(n), _) => Setting {
                value: n,
                source: Source::Flag("--limit"),
            },
            (None, Some(n)) => match usize::try_from(*n.get_ref()) {
                Ok(v) if (1..=MAX_LIMIT).contains(&v) => Setting {
                    value: v,
                    source: from_file(),
                },
                _ => {
                    let why = format!("{} is not in 1..={MAX_LIMIT}", n.get_ref());
                    return Err(key_error("limit", n.span().start, &why));
                }
            },
            (None, None) => Setting {
                value: DEFAULT_LIMIT,
                source: Source::Default,
            },
        };
        let color = match (flags.color, &parsed.color) {
            (Some(c), _) => Setting {
                value: c,
                source: Source::Flag("--color"),
            },
            (None, Some(c)) => match ColorChoice::from_str(c.get_ref(), true) {
                Ok(v) => Setting {
                    value: v,
                    source: from_file(),
                },
                Err(_) => {
                    let why = format!("'{}' is not auto, always or never", c.get_ref());
                    return Err(key_error("color", c.span().start, &why));
                }
            },
            (None, None) => Setting {
                value: ColorChoice::Auto,
                source: Source::Default,
            },
        };
        let pager = if let Some(command) = env(PAGER_VAR) {
            Setting {
                value: command.to_string_lossy().into_owned(),
                source: Source::Env(PAGER_VAR),
            }
        } else if let Some(command) = &parsed.pager {
            Setting {
                value: command.clone(),
                source: from_file(),
            }
        } else if let Some(command) = env("PAGER") {
            Setting {
                value: command.to_string_lossy().into_owned(),
                source: Source::Env("PAGER"),
            }
        } else {
            Setting {
                value: DEFAULT_PAGER.to_owned(),
                source: Source::Default,
            }
        };
        Ok(Settings {
            file: file.map(|f| (f, text.is_some())),
            index,
            corpus,
            limit,
            color,
            pager,
        })
    }

    /// Whether the index folder is the built-in default.
    pub fn index_is_default(&self) -> bool {
        self.index.source == Source::Default
    }

    /// Whether `search` may build a missing index by itself: the index folder is the built-in
    /// default, or the config file names both the folder and the corpus to build it from. An
    /// index named by `--index` or the environment, or by the file without its corpus, is never
    /// built from whatever `corpus/` the working folder happens to hold.
    pub fn search_may_build(&self) -> bool {
        matches!(
            (&self.index.source, &self.corpus.source),
            (Source::Default, _) | (Source::File(_), Source::File(_))
        )
    }
}

/// `path` with a leading `~/` read as the home folder, as the shell reads it unquoted: a path
/// given as `--out=~/x` (where the shell leaves it) or quoted names the same place, not a
/// folder named `~` here. `from` names the option in the error when HOME is not set.
pub fn home_expanded(path: &Path, from: &str) -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    tilde_in(path, home.as_deref()).ok_or_else(|| {
        anyhow::anyhow!(
            "{from} '{}' starts with `~` and HOME is not set: give the full path",
            path.display()
        )
    })
}

/// [`home_expanded`] of an optional path.
pub fn home_expanded_option(path: Option<PathBuf>, from: &str) -> anyhow::Result<Option<PathBuf>> {
    path.map(|p| home_expanded(&p, from)).transpose()
}

/// `path` with a leading `~` as `home`; `None` when it has one and there is no home (unset or
/// empty).
fn tilde_in(path: &Path, home: Option<&Path>) -> Option<PathBuf> {
    match (path.strip_prefix("~"), home) {
        (Err(_), _) => Some(path.to_path_buf()),
        (Ok(rest), Some(home)) if !home.as_os_str().is_empty() => Some(home.join(rest)),
        (Ok(_), _) => None,
    }
}

/// The config file's place: `$XDG_CONFIG_HOME/attache/config.toml` (an absolute path, as the
/// XDG spec asks), else `$HOME/.config/attache/config.toml`.
pub fn config_path(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let base = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("attache").join("config.toml"))
}

/// A path written in the config file: `~/…` under the home folder, a relative one under the
/// file's folder.
fn config_relative(path: &Path, base: &Path, home: Option<&Path>) -> PathBuf {
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home) {
        return home.join(rest);
    }
    if path.is_absolute() {
        path.to_owned()
    } else {
        base.join(path)
    }
}

/// Parses the config file, or says where and what is wrong in one line.
fn parse(path: &Path, text: &str) -> anyhow::Result<FileConfig> {
    toml::from_str(text).map_err(|e| {
        let Some(span) = e.span() else {
            return anyhow::anyhow!("{}: {}", path.display(), e.message());
        };
        let line = line_of(text, span.start);
        let key = text
            .lines()
            .nth(line - 1)
            .and_then(|l| l.split_once('='))
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty());
        let mut message = e.message().trim().replace('\n', " ");
        // serde's "invalid type: string \"ten\", expected i64" names a Rust type; say what the
        // key takes, with an example.
        if let Some(want) = key.and_then(expectation)
            && let Some(rest) = message.strip_prefix("invalid type: ")
            && let Some((found, _)) = rest.rsplit_once(", expected ")
        {
            let found = found
                .trim_end_matches(" as i128")
                .trim_end_matches(" as u128");
            message = format!("{found} is not {want}");
        }
        match key {
            Some(key) => anyhow::anyhow!("{}: line {line}: key `{key}`: {message}", path.display()),
            None => anyhow::anyhow!("{}: line {line}: {message}", path.display()),
        }
    })
}

/// What a config file key takes, as its error says it.
fn expectation(key: &str) -> Option<&'static str> {
    Some(match key {
        "index" => "a folder in quotes, as `index = \"~/attache/index\"`",
        "corpus" => "a list of folders, as `corpus = [\"~/corpora/ungdc\"]`",
        "limit" => "a whole number from 1 to 10000, as `limit = 20`",
        "color" => "\"auto\", \"always\" or \"never\", in quotes",
        "pager" => "a command in quotes, as `pager = \"less -R\"` (\"\" for none)",
        _ => return None,
    })
}

/// The 1-based line holding byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    attache::corpus::line_of(text.as_bytes(), at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        flags: Flags,
        vars: &[(&str, &str)],
        text: Option<&str>,
    ) -> anyhow::Result<Settings> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |name: &str| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        };
        let file = Some(PathBuf::from("/etc/attache/config.toml"));
        Settings::resolve(flags, &env, file, text)
    }

    #[test]
    fn the_flag_beats_the_variable_beats_the_file_beats_the_default() {
        let file = Some("index = \"idx\"\ncorpus = [\"a\", \"/b\", \"~/c\"]\nlimit = 5\n");
        let vars = [("ATTACHE_INDEX", "/env/index"), ("HOME", "/home/u")];
        let flags = Flags {
            index: Some("/flag".into()),
            ..Flags::default()
        };
        let s = resolve(flags, &vars, file).unwrap();
        assert_eq!(s.index.value, Path::new("/flag"));
        assert_eq!(s.index.source, Source::Flag("--index"));
        let s = resolve(Flags::default(), &vars, file).unwrap();
        assert_eq!(s.index.value, Path::new("/env/index"));
        assert_eq!(s.index.source, Source::Env("ATTACHE_INDEX"));
        let s = resolve(Flags::default(), &vars[1..], file).unwrap();
        assert_eq!(s.index.value, Path::new("/etc/attache/idx"));
        assert_eq!(
            s.index.source,
            Source::File("/etc/attache/config.toml".into())
        );
        assert_eq!(
            s.corpus.value,
            [
                Path::new("/etc/attache/a"),
                Path::new("/b"),
                Path::new("/home/u/c")
            ]
        );
        assert_eq!(s.limit.value, 5);
        let s = resolve(Flags::default(), &[], None).unwrap();
        assert_eq!(s.index.value, Path::new("index"));
        assert!(s.index_is_default());
        assert_eq!(s.corpus.value, [Path::new("corpus")]);
        assert_eq!((s.limit.value, s.limit.source), (10, Source::Default));
        assert_eq!(s.pager.value, "less -FRX");
    }

    #[test]
    fn the_pager_is_attache_pager_then_the_file_then_pager_then_less() {
        let file = Some("pager = \"most\"\n");
        let vars = [("ATTACHE_PAGER", "less -R"), ("PAGER", "more")];
        let s = resolve(Flags::default(), &vars, file).unwrap();
        assert_eq!(s.pager.value, "less -R");
        assert_eq!(s.pager.source, Source::Env("ATTACHE_PAGER"));
        let s = resolve(Flags::default(), &vars[1..], file).unwrap();
        assert_eq!(s.pager.value, "most");
        let s = resolve(Flags::default(), &vars[1..], None).unwrap();
        assert_eq!(
            (s.pager.value.as_str(), s.pager.source),
            ("more", Source::Env("PAGER"))
        );
        // An empty ATTACHE_PAGER is a choice: no pager.
        let s = resolve(Flags::default(), &[("ATTACHE_PAGER", "")], file).unwrap();
        assert_eq!(s.pager.value, "");
    }

    #[test]
    fn a_bad_config_file_is_one_line_naming_the_file_line_and_key() {
        let cases = [
            (
                "index = \"i\"\nlimit = 0\n",
                "/etc/attache/config.toml: line 2: key `limit`: 0 is not in 1..=10000",
            ),
            (
                "color = \"pink\"",
                "/etc/attache/config.toml: line 1: key `color`: 'pink' is not auto, always or never",
            ),
            (
                "\nlimit = \"ten\"",
                "/etc/attache/config.toml: line 2: key `limit`: string \"ten\" is not a whole number \
                 from 1 to 10000, as `limit = 20`",
            ),
            (
                "limit = 99999999999999999999",
                "/etc/attache/config.toml: line 1: key `limit`: integer `99999999999999999999` is \
                 not a whole number from 1 to 10000, as `limit = 20`",
            ),
            (
                "corpus = \"c\"",
                "/etc/attache/config.toml: line 1: key `corpus`: string \"c\" is not a list of \
                 folders, as `corpus = [\"~/corpora/ungdc\"]`",
            ),
            (
                "index = 5",
                "/etc/attache/config.toml: line 1: key `index`: integer `5` is not a folder in \
                 quotes, as `index = \"~/attache/index\"`",
            ),
            (
                "\nindex = \"\"",
                "/etc/attache/config.toml: line 2: key `index`: an empty path: name the index \
                 folder, as `index = \"~/attache/index\"`",
            ),
            (
                "corpus = [\"a\", \"\"]",
                "/etc/attache/config.toml: line 1: key `corpus`: an empty path in the list: name \
                 each folder, as `corpus = [\"~/corpora/ungdc\"]`",
            ),
            (
                "index = \" \"",
                "/etc/attache/config.toml: line 1: key `index`: an empty path: name the index \
                 folder, as `index = \"~/attache/index\"`",
            ),
            (
                "colour = \"never\"",
                "/etc/attache/config.toml: line 1: key `colour`: unknown field `colour`, expected \
                 one of `index`, `corpus`, `limit`, `color`, `pager`",
            ),
        ];
        for (text, want) in cases {
            let err = resolve(Flags::default(), &[], Some(text)).unwrap_err();
            assert_eq!(err.to_string(), want, "{text:?}");
        }
    }

    /// `ATTACHE_INDEX='~/idx'` and `--index '~/idx'` built an index in a folder named `~`.
    #[test]
    fn a_leading_tilde_in_the_flag_or_the_variable_is_the_home_folder() {
        let home = [("HOME", "/home/u")];
        let vars = [("ATTACHE_INDEX", "~/idx"), ("HOME", "/home/u")];
        let s = resolve(Flags::default(), &vars, None).unwrap();
        assert_eq!(s.index.value, Path::new("/home/u/idx"));
        let flags = Flags {
            index: Some("~/other".into()),
            ..Flags::default()
        };
        let s = resolve(flags, &home, None).unwrap();
        assert_eq!(s.index.value, Path::new("/home/u/other"));
        // Only `~` itself is the home folder: `~user/x` and `a/~` are paths as written.
        let flags = Flags {
            index: Some("~user/x".into()),
            ..Flags::default()
        };
        assert_eq!(
            resolve(flags, &home, None).unwrap().index.value,
            Path::new("~user/x")
        );
        // Without a home folder, `~` is an error, never a folder named `~` or a relative path.
        for vars in [
            &[("ATTACHE_INDEX", "~/idx")][..],
            &[("ATTACHE_INDEX", "~/idx"), ("HOME", "")],
        ] {
            let err = resolve(Flags::default(), vars, None).unwrap_err();
            assert_eq!(
                err.to_string(),
                "ATTACHE_INDEX '~/idx' starts with `~` and HOME is not set: give the folder's \
                 full path"
            );
        }
    }

    #[test]
    fn the_file_lives_under_xdg_config_home_else_the_home_folder() {
        let at = |vars: &'static [(&'static str, &'static str)]| {
            config_path(&|name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            })
        };
        assert_eq!(
            at(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]),
            Some("/x/attache/config.toml".into())
        );
        assert_eq!(
            at(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")]),
            Some("/h/.config/attache/config.toml".into())
        );
        assert_eq!(at(&[]), None);
    }
}
