//! A policy that can be replaced at run time from its file.

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use audit_core::{audit, AuditError, Event, Hook, Interest};

use crate::{Policy, PolicyError};

/// The event a reload raises before the new policy takes over, so other
/// hooks can refuse it. Arguments: `(path, rules)`: the file, and how many
/// rules the new policy has.
pub const RELOAD_EVENT: &str = "policy.reload";

/// The installed hook: whatever policy the handle holds now.
struct Swappable(Arc<ArcSwap<Policy>>);

impl Hook for Swappable {
    fn on_event(&self, event: &Event<'_>) -> Result<(), AuditError> {
        // One atomic load; a reload never blocks an event, nor the reverse.
        self.0.load().on_event(event)
    }

    fn interest(&self) -> Interest {
        // A later policy may care about any audit point.
        Interest::all()
    }
}

/// The handle of a policy installed with [`Policy::install_reloadable`]:
/// [`reload`](Self::reload) swaps in the file's current contents.
///
/// Events decided while a reload happens see either the old policy or the
/// new one, never a mix; deciding never waits for a reload.
///
/// ```no_run
/// let handle = audit_policy::Policy::install_reloadable("/etc/app/policy.toml")?;
/// // ... later, on SIGHUP or an admin request:
/// if let Err(err) = handle.reload() {
///     eprintln!("policy not reloaded, the old one stays: {err}");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PolicyHandle {
    current: Arc<ArcSwap<Policy>>,
    path: PathBuf,
}

impl fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyHandle")
            .field("path", &self.path)
            .field("rules", &self.current.load().rules().len())
            .finish()
    }
}

impl Policy {
    /// Loads the policy in `path` and installs it as a global hook that
    /// [`PolicyHandle::reload`] can replace later, even after
    /// [`seal`](audit_core::seal): installing it this way is the opt-in.
    ///
    /// Unlike [`install`](Self::install), the hook sees every audit point
    /// (a later policy may need any of them), so audit points no rule
    /// covers pay for one call of the hook.
    ///
    /// Fails as [`Policy::from_file`] does, or as
    /// [`audit_core::install_hook`] does (after `seal`, with the `off`
    /// feature, or when a hook refuses the addition).
    #[track_caller]
    pub fn install_reloadable(path: impl AsRef<Path>) -> Result<PolicyHandle, ReloadError> {
        let path = path.as_ref().to_path_buf();
        let policy = Policy::from_file(&path).map_err(ReloadError::Invalid)?;
        let current = Arc::new(ArcSwap::from_pointee(policy));
        audit_core::install_hook(Swappable(current.clone())).map_err(ReloadError::Refused)?;
        Ok(PolicyHandle { current, path })
    }
}

impl PolicyHandle {
    /// Reads the file again and, if it parses and no hook refuses the
    /// [`RELOAD_EVENT`], makes it the policy for every event from now on.
    /// On any error the policy in force stays as it was.
    ///
    /// The event's caller is the code that calls `reload`.
    #[track_caller]
    pub fn reload(&self) -> Result<(), ReloadError> {
        let policy = Policy::from_file(&self.path).map_err(ReloadError::Invalid)?;
        audit!(
            RELOAD_EVENT,
            path = self.path.as_path(),
            rules = policy.rules().len()
        )
        .map_err(ReloadError::Refused)?;
        self.current.store(Arc::new(policy));
        Ok(())
    }

    /// The policy in force now.
    pub fn current(&self) -> Arc<Policy> {
        self.current.load_full()
    }

    /// The file the policy is loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Why a policy could not be installed or reloaded from its file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReloadError {
    /// The file could not be read or is not a valid policy.
    Invalid(PolicyError),
    /// A hook refused the installation or the reload (or auditing is
    /// compiled out, for an installation).
    Refused(AuditError),
}

impl fmt::Display for ReloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReloadError::Invalid(err) => write!(f, "policy not loaded: {err}"),
            ReloadError::Refused(err) => write!(f, "policy not loaded: {err}"),
        }
    }
}

impl Error for ReloadError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ReloadError::Invalid(err) => Some(err),
            ReloadError::Refused(err) => Some(err),
        }
    }
}
