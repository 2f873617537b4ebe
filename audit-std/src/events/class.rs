//! What an event does, as a set of classes: the vocabulary of policies and
//! test expectations ("writes only under this directory", "no network").

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of event classes: what an operation does to the system.
///
/// Every event of [`TABLE`](super::TABLE) declares its classes, so a rule
/// written against a class (`@write` in a policy) covers every event of that
/// class, including those added later, and cannot forget one.
///
/// ```
/// use audit_std::events::{self, Classes};
///
/// let copy = events::info(events::fs::COPY).unwrap();
/// assert!(copy.classes.contains(Classes::WRITE));
/// assert_eq!(Classes::from_name("write"), Some(Classes::WRITE));
/// assert_eq!((Classes::READ | Classes::WRITE).to_string(), "read|write");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Classes(u32);

/// Each class, with its name, in display order.
const NAMED: &[(Classes, &str)] = &[
    (Classes::READ, "read"),
    (Classes::WRITE, "write"),
    (Classes::METADATA, "metadata"),
    (Classes::LOCK, "lock"),
    (Classes::CHDIR, "chdir"),
    (Classes::EXEC, "exec"),
    (Classes::SIGNAL, "signal"),
    (Classes::EXIT, "exit"),
    (Classes::RESOLVE, "resolve"),
    (Classes::CONNECT, "connect"),
    (Classes::BIND, "bind"),
    (Classes::ACCEPT, "accept"),
    (Classes::SEND, "send"),
    (Classes::MULTICAST, "multicast"),
    (Classes::HOOK, "hook"),
    (Classes::NETWORK, "network"),
];

impl Classes {
    /// No class.
    pub const NONE: Classes = Classes(0);
    /// Reads a file's contents (an open for reading, the source of a copy).
    pub const READ: Classes = Classes(1 << 0);
    /// Changes the filesystem: creates, truncates, appends to or writes a
    /// file, removes, renames or links, changes permissions, ownership,
    /// times or length, binds a Unix socket path.
    pub const WRITE: Classes = Classes(1 << 1);
    /// Reads names or metadata, not contents: `stat`, directory listings,
    /// link targets, canonical paths.
    pub const METADATA: Classes = Classes(1 << 2);
    /// Takes or releases an advisory lock.
    pub const LOCK: Classes = Classes(1 << 3);
    /// Changes the directory relative paths start from (the current
    /// directory, the root).
    pub const CHDIR: Classes = Classes(1 << 4);
    /// Starts a program or replaces this one.
    pub const EXEC: Classes = Classes(1 << 5);
    /// Signals another process.
    pub const SIGNAL: Classes = Classes(1 << 6);
    /// Ends this process.
    pub const EXIT: Classes = Classes(1 << 7);
    /// Resolves a host name.
    pub const RESOLVE: Classes = Classes(1 << 8);
    /// Connects a socket to a peer.
    pub const CONNECT: Classes = Classes(1 << 9);
    /// Binds a socket to a local address or path.
    pub const BIND: Classes = Classes(1 << 10);
    /// Accepts a connection.
    pub const ACCEPT: Classes = Classes(1 << 11);
    /// Sends a datagram to an address given with it.
    pub const SEND: Classes = Classes(1 << 12);
    /// Joins a multicast group.
    pub const MULTICAST: Classes = Classes(1 << 13);
    /// Changes the audit hooks themselves.
    pub const HOOK: Classes = Classes(1 << 14);
    /// Any network class: resolve, connect, bind, accept, send, multicast.
    pub const NETWORK: Classes = Classes(
        Self::RESOLVE.0
            | Self::CONNECT.0
            | Self::BIND.0
            | Self::ACCEPT.0
            | Self::SEND.0
            | Self::MULTICAST.0,
    );

    /// Both sets together (`|` in a `const`).
    pub const fn union(self, other: Classes) -> Classes {
        Classes(self.0 | other.0)
    }

    /// The classes in both sets.
    pub const fn intersection(self, other: Classes) -> Classes {
        Classes(self.0 & other.0)
    }

    /// Whether every class of `other` is in `self`.
    pub const fn contains(self, other: Classes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether `self` and `other` have a class in common.
    pub const fn intersects(self, other: Classes) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The class (or group, `network`) called `name`, as a policy writes it
    /// after `@`.
    pub fn from_name(name: &str) -> Option<Classes> {
        NAMED.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    /// Every class and group name, for error messages and documentation.
    pub fn names() -> impl Iterator<Item = &'static str> {
        NAMED.iter().map(|(_, n)| *n)
    }
}

impl BitOr for Classes {
    type Output = Classes;
    fn bitor(self, rhs: Classes) -> Classes {
        Classes(self.0 | rhs.0)
    }
}

impl BitOrAssign for Classes {
    fn bitor_assign(&mut self, rhs: Classes) {
        self.0 |= rhs.0;
    }
}

impl fmt::Display for Classes {
    /// The single-class names joined by `|` (`read|write`), `none` if empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (class, name) in NAMED {
            // Groups are spelled out as their members.
            if class.0.count_ones() == 1 && self.contains(*class) {
                if !first {
                    f.write_str("|")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Classes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Classes({self})")
    }
}
