//! Which rules can match each audit point, decided once when the policy is
//! built, so that an event only runs the argument conditions of the rules
//! whose patterns can match it; and where each audit point keeps the
//! arguments a policy reads (its write flags, its paths), so that an event's
//! arguments are read by position rather than looked up by name.

use std::mem::size_of;

use audit_core::{Callsite, Event, Value};
use audit_std::events::{self, Access, Classes, EventInfo, Follow, OPEN_WRITE_FLAGS};

use crate::rule::CompiledRule;
use crate::shortcut::Shortcut;

/// One audit point: its row of the event table, its candidate rules, and
/// the positions of the arguments the policy reads.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub(crate) info: Option<&'static EventInfo>,
    /// The rules whose patterns can match the point's events, in order, each
    /// with whether a name pattern matches (then every event of the point
    /// matches it) or only a class pattern (checked per event).
    pub(crate) rules: Box<[(u32, bool)]>,
    /// Where the point's arguments are; `None` for a point the table does
    /// not know, or whose arguments do not fit the layout (then the
    /// conditions look arguments up by name).
    pub(crate) layout: Option<Layout>,
    /// How the point is decided without the general loop, when every
    /// candidate's shape allows: their shortcuts, in order (see
    /// [`Shortcut`]).
    pub(crate) shortcuts: Option<Box<[Shortcut]>>,
}

/// The positions, among one audit point's arguments, of what the table
/// says its events carry.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Whether the event writes by its flags (`fs.open`).
    by_flags: bool,
    /// Bit `i` set: argument `i` is one of [`OPEN_WRITE_FLAGS`].
    write_flags: u64,
    /// The files the event names, in the table's order.
    pub(crate) paths: Box<[PathSlot]>,
}

/// Where one path argument of the table is among an audit point's arguments.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PathSlot {
    /// What the event does with the file ([`Access::ByFlags`] unresolved).
    pub(crate) access: Access,
    /// The argument's position, `None` when the point does not have it.
    pub(crate) path: Option<u8>,
    /// Whether the last component is followed.
    pub(crate) follow: FollowAt,
    /// The position of the open file's descriptor, for events that may act
    /// on an open file (`None` when the point has no such argument).
    pub(crate) fd: Option<u8>,
}

impl PathSlot {
    /// What an event (`writes`: one that writes by its flags) does with the
    /// file of this slot, for the fast ways; `None` for a link's target
    /// (read from the link's directory) or an access they do not know.
    #[inline(always)]
    pub(crate) fn access(&self, writes: bool) -> Option<Access> {
        match self.access {
            Access::ByFlags if writes => Some(Access::Write),
            Access::ByFlags => Some(Access::Read),
            a @ (Access::Read | Access::Write | Access::Other) => Some(a),
            _ => None,
        }
    }

    /// The file of this slot in `event` (`writes`: whether the event writes
    /// by its flags), for the fast ways: `Some(Some((path, access)))`, the
    /// path's bytes and what the event does with the file;
    /// `Some(None)` when there is no file to judge; `None` when this way
    /// cannot tell (an open file whose path is unknown, a value that is not
    /// a path, an access it does not know), and the slow way judges.
    #[inline(always)]
    pub(crate) fn file<'e>(
        &self,
        event: &Event<'e>,
        writes: bool,
    ) -> Option<Option<(&'e [u8], Access)>> {
        let access = self.access(writes)?;
        match value_at(event, self.path) {
            Value::Path(path) => Some(Some((path.as_os_str().as_encoded_bytes(), access))),
            // No path: an open file whose path is unknown is judged the
            // slow way, no file at all is nothing to judge.
            Value::None => match value_at(event, self.fd) {
                Value::None => Some(None),
                _ => None,
            },
            _ => None,
        }
    }
}

/// [`Follow`], with the argument resolved to its position.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FollowAt {
    Always,
    Never,
    /// As the boolean at this position says (absent: follows).
    Arg(Option<u8>),
}

/// The value at `index` among `event`'s arguments (`None` when absent).
#[inline]
fn value_at<'e>(event: &Event<'e>, index: Option<u8>) -> Value<'e> {
    index
        .and_then(|i| event.values().get(usize::from(i)).copied())
        .unwrap_or(Value::None)
}

impl Layout {
    /// The layout of `site`, an audit point of the event `info` describes;
    /// `None` when an argument lies beyond the 64 positions a mask holds.
    pub(crate) fn new(site: &Callsite, info: &EventInfo) -> Option<Layout> {
        let names = site.arg_names();
        let position = |name: &str| -> Result<Option<u8>, ()> {
            match names.iter().position(|n| *n == name) {
                Some(i) if i < 64 => Ok(Some(i as u8)),
                Some(_) => Err(()),
                None => Ok(None),
            }
        };
        let by_flags = info.paths.iter().any(|p| p.access == Access::ByFlags);
        let mut write_flags = 0u64;
        if by_flags {
            for flag in OPEN_WRITE_FLAGS {
                if let Some(i) = position(flag).ok()? {
                    write_flags |= 1 << i;
                }
            }
        }
        let fd = match info.fd {
            Some(name) => position(name).ok()?,
            None => None,
        };
        let paths = info
            .paths
            .iter()
            .map(|spec| {
                Ok(PathSlot {
                    access: spec.access,
                    path: position(spec.name)?,
                    follow: match spec.follow {
                        Follow::Always => FollowAt::Always,
                        Follow::Never => FollowAt::Never,
                        Follow::ByArg(name) => FollowAt::Arg(position(name)?),
                        // A way of following this code does not know:
                        // the conditions look the arguments up by name.
                        _ => return Err(()),
                    },
                    fd,
                })
            })
            .collect::<Result<_, ()>>()
            .ok()?;
        Some(Layout {
            by_flags,
            write_flags,
            paths,
        })
    }

    /// [`EventInfo::classes_of`], reading the flags by position: `info`'s
    /// classes, plus [`Classes::WRITE`] when one of the write flags is
    /// anything but `false` or `None` (a value that is not a boolean counts
    /// as writing).
    #[inline]
    pub(crate) fn classes_of(&self, info: &EventInfo, event: &Event<'_>) -> Classes {
        if self.by_flags && writes_by_flags(self.write_flags, event) {
            return info.classes | Classes::WRITE;
        }
        info.classes
    }

    /// Whether the event writes by its flags (`fs.open`), and where the
    /// flags are.
    pub(crate) fn write_flags(&self) -> Option<u64> {
        self.by_flags.then_some(self.write_flags)
    }
}

/// Whether one of `event`'s arguments at the positions of `mask` is
/// anything but `false` or `None` (a value that is not a boolean counts as
/// writing).
#[inline]
pub(crate) fn writes_by_flags(mask: u64, event: &Event<'_>) -> bool {
    // Only the flags' positions are looked at, lowest first: an open for
    // writing usually says so in its first flag (`write`).
    let values = event.values();
    let mut mask = mask;
    while mask != 0 {
        let at = mask.trailing_zeros() as usize;
        if let Some(value) = values.get(at) {
            if !matches!(value, Value::None | Value::Bool(false)) {
                return true;
            }
        }
        mask &= mask - 1;
    }
    false
}

impl FollowAt {
    /// Whether `event` follows a link in the last component: a missing or
    /// unreadable flag counts as following, as the table says.
    #[inline]
    pub(crate) fn follows(self, event: &Event<'_>) -> bool {
        match self {
            FollowAt::Always => true,
            FollowAt::Never => false,
            FollowAt::Arg(at) => value_at(event, at).as_bool() != Some(false),
        }
    }
}

/// The candidates of every audit point of the [`catalogue`](audit_core::catalogue),
/// indexed by the point's position in it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sites {
    /// The address of the catalogue's first callsite; callsites are laid out
    /// one after another, so an event's position is its offset from here.
    base: usize,
    sites: Box<[Site]>,
}

impl Site {
    /// The classes of this occurrence of the event (see
    /// [`EventInfo::classes_of`]), `None` for an event the table does not know.
    #[inline]
    pub(crate) fn classes(&self, event: &Event<'_>) -> Option<Classes> {
        let info = self.info?;
        Some(match &self.layout {
            Some(layout) => layout.classes_of(info, event),
            None => info.classes_of(event),
        })
    }
}

impl Sites {
    pub(crate) fn new(rules_of: &[CompiledRule]) -> Sites {
        let catalogue: Vec<&'static Callsite> = audit_core::catalogue().collect();
        let base = catalogue
            .first()
            .map_or(0, |c| *c as *const Callsite as usize);
        let contiguous = catalogue
            .iter()
            .enumerate()
            .all(|(i, c)| *c as *const Callsite as usize == base + i * size_of::<Callsite>());
        if !contiguous {
            // Not the layout this relies on: every event takes the slow path.
            return Sites::default();
        }
        let sites = catalogue
            .iter()
            .map(|site| {
                let info = events::info(site.name());
                let rules: Box<[(u32, bool)]> = rules_of
                    .iter()
                    .enumerate()
                    .filter_map(|(i, rule)| {
                        let by_name = rule.events.matches_name(site.name());
                        (by_name || rule.events.may_match(site.name()))
                            .then_some((i as u32, by_name))
                    })
                    .collect();
                let layout = info.and_then(|info| Layout::new(site, info));
                let shortcuts = match (info, &layout) {
                    (Some(info), Some(layout)) => rules
                        .iter()
                        .map(|&candidate| Shortcut::new(rules_of, candidate, info, layout))
                        .collect(),
                    _ => None,
                };
                Site {
                    info,
                    rules,
                    layout,
                    shortcuts,
                }
            })
            .collect();
        Sites { base, sites }
    }

    /// Drops every audit point's shortcuts: the general way decides.
    #[cfg(test)]
    pub(crate) fn forget_shortcuts(&mut self) {
        for site in self.sites.iter_mut() {
            site.shortcuts = None;
        }
    }

    /// The candidates of `event`'s audit point, or `None` for a point the
    /// table does not know (then every rule is a candidate).
    #[inline]
    pub(crate) fn of(&self, event: &Event<'_>) -> Option<&Site> {
        let address = event.callsite() as *const Callsite as usize;
        let offset = address.checked_sub(self.base)?;
        if offset % size_of::<Callsite>() != 0 {
            return None;
        }
        self.sites.get(offset / size_of::<Callsite>())
    }
}
