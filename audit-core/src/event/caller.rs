//! Which crate a caller's source file belongs to, from its path alone.

/// The crate that holds a source file, as far as its path tells: see
/// [`CrateRef::from_path`].
///
/// The name and version are slices of the path itself: nothing is looked up
/// on disk or in `Cargo.lock`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CrateRef {
    name: Option<&'static str>,
    version: Option<&'static str>,
    source: CrateSource,
}

/// Where a source file lives, by the layout of its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrateSource {
    /// Unpacked from a registry by Cargo:
    /// `.../registry/src/<index>/<name>-<version>/...`.
    Registry,
    /// Copied into the project by `cargo vendor`: `.../vendor/<name>/...`,
    /// or `.../vendor/<name>-<version>/...` with `--versioned-dirs`.
    Vendored,
    /// Checked out from git by Cargo: `.../git/checkouts/<repo>-<hash>/<rev>/...`.
    Git,
    /// Rust's own library (`core`, `alloc`, `std`):
    /// `/rustc/<commit>/library/<name>/...`.
    Toolchain,
    /// A relative path: a crate of the workspace being built (Cargo passes
    /// the workspace's own files to the compiler relative to its root).
    Workspace,
}

impl CrateRef {
    /// The crate's name as the path spells it: the package name for a
    /// registry or versioned vendored directory; the directory's name
    /// otherwise. `None` for a file of the workspace's root package
    /// (`src/main.rs`), whose name the path does not hold.
    pub fn name(&self) -> Option<&'static str> {
        self.name
    }

    /// The crate's version, where the path holds one (registry, and
    /// vendored with `--versioned-dirs`).
    pub fn version(&self) -> Option<&'static str> {
        self.version
    }

    /// The layout the path was recognised by.
    pub fn source(&self) -> CrateSource {
        self.source
    }

    /// Derives the crate from the path of a source file, such as
    /// [`Location::file`](std::panic::Location::file).
    ///
    /// The rules, tried in this order on the path's components (`/` or `\`):
    ///
    /// 1. `registry/src/<index>/<dir>/`: a registry crate; `<dir>` is split
    ///    into name and version at the first `-` that starts a version
    ///    (`MAJOR.MINOR.PATCH`, then an optional `-pre` and `+build`), so
    ///    `foo-bar-2d-1.0.0-rc.1` is `foo-bar-2d`, `1.0.0-rc.1`.
    /// 2. `git/checkouts/<repo>-<hash>/<rev>/`: a git dependency; the name
    ///    is the directory that holds the nearest `src` below the revision,
    ///    or the repository's name when `src` sits right under it. No version.
    /// 3. `vendor/<dir>/`: a vendored crate, `<dir>` split as in rule 1 when
    ///    it ends in a version, else all name.
    /// 4. `/rustc/<commit>/library/<name>/`: Rust's own library.
    /// 5. A relative path: the workspace's own code. The name is the
    ///    directory that holds the first `src`, `tests`, `examples` or
    ///    `benches` (the member's directory, usually its package name), or
    ///    `None` when the path starts with one of them (the root package).
    ///
    /// Anything else (a path dependency outside the workspace, a path
    /// rewritten with `--remap-path-prefix`, an unusual `CARGO_HOME` layout)
    /// gives `None`.
    ///
    /// Limits: this reads a path, it proves nothing. The layouts are
    /// Cargo's conventions; a directory named `vendor` or `registry` in an
    /// unrelated place matches too, and a build that rewrites paths can
    /// make any file claim any crate. The last matching component wins, so
    /// a project that itself lives under a `vendor` directory is not
    /// mistaken for a vendored crate when its dependency is a registry one.
    ///
    /// ```
    /// use audit_core::{CrateRef, CrateSource};
    ///
    /// let c = CrateRef::from_path(
    ///     "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/serde-1.0.219/src/de.rs",
    /// )
    /// .unwrap();
    /// assert_eq!((c.name(), c.version()), (Some("serde"), Some("1.0.219")));
    /// assert_eq!(c.source(), CrateSource::Registry);
    ///
    /// let own = CrateRef::from_path("audit-std/src/fs/mod.rs").unwrap();
    /// assert_eq!((own.name(), own.source()), (Some("audit-std"), CrateSource::Workspace));
    ///
    /// assert_eq!(CrateRef::from_path("/opt/elsewhere/lib.rs"), None);
    /// ```
    pub fn from_path(path: &'static str) -> Option<CrateRef> {
        let parts: Vec<&'static str> = path.split(['/', '\\']).collect();
        let absolute = path.starts_with(['/', '\\']) || is_drive(parts[0]);
        // From the end: the innermost layout is the file's own.
        for i in (0..parts.len()).rev() {
            let next = |k: usize| parts.get(i + k).copied().filter(|p| !p.is_empty());
            match parts[i] {
                "registry" if next(1) == Some("src") => {
                    // `<index>/<dir>/` and at least one more component.
                    if let (Some(_), Some(dir), Some(_)) = (next(2), next(3), next(4)) {
                        let (name, version) = split_version(dir)?;
                        return Some(CrateRef {
                            name: Some(name),
                            version: Some(version),
                            source: CrateSource::Registry,
                        });
                    }
                }
                "checkouts" if i > 0 && parts[i - 1] == "git" => {
                    if let (Some(repo), Some(_), Some(_)) = (next(1), next(2), next(3)) {
                        let repo = repo.rsplit_once('-').map_or(repo, |(name, _)| name);
                        let below = &parts[i + 3..];
                        let name = match below.iter().rposition(|p| *p == "src") {
                            Some(0) | None => repo,
                            Some(s) => below[s - 1],
                        };
                        return Some(CrateRef {
                            name: Some(name),
                            version: None,
                            source: CrateSource::Git,
                        });
                    }
                }
                "vendor" => {
                    if let (Some(dir), Some(_)) = (next(1), next(2)) {
                        let (name, version) = match split_version(dir) {
                            Some((name, version)) => (name, Some(version)),
                            None => (dir, None),
                        };
                        return Some(CrateRef {
                            name: Some(name),
                            version,
                            source: CrateSource::Vendored,
                        });
                    }
                }
                "library" if i >= 2 && parts[i - 2] == "rustc" => {
                    if let (Some(name), Some(_)) = (next(1), next(2)) {
                        return Some(CrateRef {
                            name: Some(name),
                            version: None,
                            source: CrateSource::Toolchain,
                        });
                    }
                }
                _ => {}
            }
        }
        if absolute || parts.len() < 2 || parts.contains(&"..") {
            return None;
        }
        if parts[0] == "." || parts[0].is_empty() {
            return None;
        }
        let target = |p: &&str| matches!(*p, "src" | "tests" | "examples" | "benches");
        let name = match parts.iter().position(target) {
            Some(0) => None,
            Some(k) => Some(parts[k - 1]),
            // `member/build.rs`: the file's directory.
            None => Some(parts[parts.len() - 2]),
        };
        Some(CrateRef {
            name,
            version: None,
            source: CrateSource::Workspace,
        })
    }
}

/// `C:` and the like, the start of an absolute Windows path.
fn is_drive(part: &str) -> bool {
    let b = part.as_bytes();
    b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// `name-1.2.3[-pre][+build]` split at the first `-` that starts a version.
fn split_version(dir: &'static str) -> Option<(&'static str, &'static str)> {
    dir.match_indices('-')
        .map(|(i, _)| (&dir[..i], &dir[i + 1..]))
        .find(|(name, version)| !name.is_empty() && is_version(version))
}

/// Whether `s` is `MAJOR.MINOR.PATCH`, then optionally `-pre` and `+build`.
fn is_version(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let rest = &s[core.len()..];
    let numeric = core.split('.').count() == 3
        && core
            .split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let tail_ok = rest.is_empty()
        || (rest.len() > 1
            && rest[1..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b)));
    numeric && tail_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(
        path: &'static str,
    ) -> Option<(Option<&'static str>, Option<&'static str>, CrateSource)> {
        CrateRef::from_path(path).map(|c| (c.name(), c.version(), c.source()))
    }

    #[test]
    fn registry_paths() {
        use CrateSource::Registry;
        assert_eq!(
            get("/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/serde-1.0.219/src/de/mod.rs"),
            Some((Some("serde"), Some("1.0.219"), Registry))
        );
        // Dashes and digits in names, pre-release and build metadata.
        assert_eq!(
            get("/c/registry/src/idx/foo-bar-2d-1.0.0-rc.1+build.5/src/lib.rs"),
            Some((Some("foo-bar-2d"), Some("1.0.0-rc.1+build.5"), Registry))
        );
        assert_eq!(
            get(r"C:\Users\u\.cargo\registry\src\index.crates.io-x\tokio-1.48.0\src\fs\mod.rs"),
            Some((Some("tokio"), Some("1.48.0"), Registry))
        );
        // A registry directory that is not `name-version` is not guessed at.
        assert_eq!(get("/c/registry/src/idx/weird/src/lib.rs"), None);
        assert_eq!(get("/c/registry/src/idx/foo-1.0/src/lib.rs"), None);
        // The directory itself, or nothing below it: not a crate's file.
        assert_eq!(get("/c/registry/src/idx/foo-1.0.0"), None);
    }

    #[test]
    fn vendored_paths() {
        use CrateSource::Vendored;
        assert_eq!(
            get("/build/app/vendor/libc/src/unix/mod.rs"),
            Some((Some("libc"), None, Vendored))
        );
        assert_eq!(
            get("/build/app/vendor/windows-sys-0.59.0/src/lib.rs"),
            Some((Some("windows-sys"), Some("0.59.0"), Vendored))
        );
        // A name that merely ends in digits keeps them.
        assert_eq!(
            get("/build/app/vendor/base64-simd/src/lib.rs"),
            Some((Some("base64-simd"), None, Vendored))
        );
    }

    #[test]
    fn git_paths() {
        use CrateSource::Git;
        assert_eq!(
            get("/home/u/.cargo/git/checkouts/rand-3b6a3d9a14e5e2b1/a1b2c3d/src/lib.rs"),
            Some((Some("rand"), None, Git))
        );
        // A workspace repository: the member's directory.
        assert_eq!(
            get("/home/u/.cargo/git/checkouts/tokio-0123abcd/deadbee/tokio-util/src/io/mod.rs"),
            Some((Some("tokio-util"), None, Git))
        );
    }

    #[test]
    fn toolchain_paths() {
        assert_eq!(
            get("/rustc/4eb161250e340c8f48f66e2b929ef4a5bed7c181/library/core/src/ops/function.rs"),
            Some((Some("core"), None, CrateSource::Toolchain))
        );
    }

    #[test]
    fn workspace_paths() {
        use CrateSource::Workspace;
        assert_eq!(
            get("audit-std/src/fs/mod.rs"),
            Some((Some("audit-std"), None, Workspace))
        );
        assert_eq!(get("tests/caller_fs.rs"), Some((None, None, Workspace)));
        assert_eq!(get("src/main.rs"), Some((None, None, Workspace)));
        assert_eq!(
            get(r"crates\app\src\main.rs"),
            Some((Some("app"), None, Workspace))
        );
    }

    #[test]
    fn unknown_paths() {
        assert_eq!(get("/home/u/project/src/main.rs"), None);
        assert_eq!(get(r"C:\project\src\main.rs"), None);
        assert_eq!(get("main.rs"), None);
        assert_eq!(get(""), None);
        assert_eq!(get("../sibling/src/lib.rs"), None);
        assert_eq!(get("<anon>"), None);
    }

    #[test]
    fn the_innermost_layout_wins() {
        // A project checked out under a `vendor` directory, using a registry crate.
        assert_eq!(
            get("/vendor/proj/registry/src/idx/serde-1.0.0/src/lib.rs"),
            Some((Some("serde"), Some("1.0.0"), CrateSource::Registry))
        );
        // A registry crate that vendors another crate inside its package.
        assert_eq!(
            get("/c/registry/src/idx/big-1.0.0/vendor/small/src/lib.rs"),
            Some((Some("small"), None, CrateSource::Vendored))
        );
    }

    #[test]
    fn versions() {
        assert!(is_version("1.2.3"));
        assert!(is_version("0.0.0-alpha.1"));
        assert!(is_version("10.20.30+meta"));
        assert!(!is_version("1.2"));
        assert!(!is_version("1.2.x"));
        assert!(!is_version("1..3"));
        assert!(!is_version("1.2.3-"));
        assert!(!is_version("v1.2.3"));
    }
}
