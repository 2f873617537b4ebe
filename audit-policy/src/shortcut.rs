//! The way an audit point is decided when its shape leaves one question per
//! rule: every rule that can match the point has a single condition, on the
//! path of the point's one file (one prefix, spelled one way), and nothing
//! else (`flags`) is asked. That is `deny @write not_under [DIR]` on
//! `fs.open`, the commonest rule on the commonest event, alone or after
//! other rules of its kind. What the general way finds out per event about
//! each rule's shape (which conditions, where the file is, how it is
//! accessed) is settled here once, when the policy is built.

use audit_core::Event;
use audit_std::events::{Classes, EventInfo};

use crate::condition::{Condition, Single};
use crate::rule::{CompiledRule, Scope};
use crate::sites::{writes_by_flags, Layout, PathSlot};
use crate::Action;

/// One candidate rule of an audit point, with the point's file, for
/// [`Shortcut::holds`]; [`first_match`] tries an audit point's candidates
/// in order.
#[derive(Clone, Debug)]
pub(crate) struct Shortcut {
    /// The rule's index.
    pub(crate) rule: u32,
    /// The rule's classes when only its class patterns can match the point
    /// (then the event's classes in this occurrence decide whether it
    /// matches, and which files are judged); `None` when a name pattern
    /// matches (every event of the point, every file).
    rule_classes: Option<Classes>,
    /// The classes of the point's events whatever their flags.
    event_classes: Classes,
    /// The positions of the write flags (`fs.open`), `0` for a point that
    /// does not write by its flags.
    write_flags: u64,
    /// Where the point's one file is, and what the event does with it.
    slot: PathSlot,
    single: Single,
    deny: bool,
}

impl Shortcut {
    /// The shortcut of the candidate rule `index` (with whether a name
    /// pattern of it matches) at an audit point of `info` whose arguments
    /// are where `layout` says, when the rule's shape allows one.
    pub(crate) fn new(
        rules: &[CompiledRule],
        (index, by_name): (u32, bool),
        info: &'static EventInfo,
        layout: &Layout,
    ) -> Option<Shortcut> {
        let rule = &rules[index as usize];
        let ([Condition::Path(path)], None, [slot]) =
            (&rule.conditions[..], &rule.flags, &*layout.paths)
        else {
            return None;
        };
        // A file the fast ways cannot judge would send every event the
        // general way: no shortcut.
        slot.access(false)?;
        Some(Shortcut {
            rule: index,
            rule_classes: (!by_name).then(|| rule.events.classes()),
            event_classes: info.classes,
            write_flags: layout.write_flags().unwrap_or(0),
            slot: *slot,
            single: path.single_on_files()?.clone(),
            deny: rule.rule.action == Action::Deny,
        })
    }

    /// Whether the rule matches `event` and its condition holds, as the
    /// general way ([`CompiledRule::holds_at`] after the event's scope)
    /// would say; `None` when this way cannot tell (a path that is not
    /// plain, a link on the way, a file known only by its descriptor), and
    /// the general way decides.
    #[inline]
    pub(crate) fn holds(&self, event: &Event<'_>) -> Option<bool> {
        let writes = writes_by_flags(self.write_flags, event);
        let scope = match self.rule_classes {
            None => Scope::AllFiles,
            Some(rule) => {
                let classes = if writes {
                    self.event_classes | Classes::WRITE
                } else {
                    self.event_classes
                };
                match Scope::of_classes(rule, classes) {
                    Some(scope) => scope,
                    // Not of the rule's classes this time: no match.
                    None => return Some(false),
                }
            }
        };
        let Some((path, access)) = self.slot.file(event, writes)? else {
            // No file is nothing to judge, and the condition fails.
            return Some(false);
        };
        if !scope.covers(access) {
            // The file is not one the rule judges: nothing to judge.
            return Some(false);
        }
        self.single
            .verdict_at(path, self.slot.follow.follows(event), self.deny)
    }
}

/// The first of an audit point's candidate rules, each with its shortcut
/// and in order, that matches `event` and whose condition holds:
/// `Some(None)` when none does, `None` when a shortcut cannot tell (then
/// the general way decides, from the first candidate).
#[inline]
pub(crate) fn first_match(shortcuts: &[Shortcut], event: &Event<'_>) -> Option<Option<u32>> {
    match shortcuts {
        // The common case, inline.
        [only] => Some(only.holds(event)?.then_some(only.rule)),
        several => first_of_several(several, event),
    }
}

/// [`first_match`] for several candidates (or none), out of line: a second
/// inline copy of [`Shortcut::holds`] would cost the common case more than
/// the call costs this one.
#[inline(never)]
fn first_of_several(shortcuts: &[Shortcut], event: &Event<'_>) -> Option<Option<u32>> {
    for shortcut in shortcuts {
        if shortcut.holds(event)? {
            return Some(Some(shortcut.rule));
        }
    }
    Some(None)
}
