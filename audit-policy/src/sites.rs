//! Which rules can match each audit point, decided once when the policy is
//! built, so that an event only runs the argument conditions of the rules
//! whose patterns can match it.

use std::mem::size_of;

use audit_core::{Callsite, Event};
use audit_std::events::{self, EventInfo};

use crate::rule::CompiledRule;

/// One audit point: its row of the event table, and its candidate rules.
#[derive(Clone, Debug)]
struct Site {
    info: Option<&'static EventInfo>,
    /// The rules whose patterns can match the point's events, in order, each
    /// with whether a name pattern matches (then every event of the point
    /// matches it) or only a class pattern (checked per event).
    rules: Box<[(u32, bool)]>,
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

/// The candidates of one event: its row, and its rules with name matches.
pub(crate) struct Candidates<'s> {
    pub(crate) info: Option<&'static EventInfo>,
    pub(crate) rules: &'s [(u32, bool)],
}

impl Sites {
    pub(crate) fn new(rules: &[CompiledRule]) -> Sites {
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
                let rules = rules
                    .iter()
                    .enumerate()
                    .filter_map(|(i, rule)| {
                        let by_name = rule.events.matches_name(site.name());
                        (by_name || rule.events.may_match(site.name()))
                            .then_some((i as u32, by_name))
                    })
                    .collect();
                Site { info, rules }
            })
            .collect();
        Sites { base, sites }
    }

    /// The candidates of `event`'s audit point, or `None` for a point the
    /// table does not know (then every rule is a candidate).
    pub(crate) fn of(&self, event: &Event<'_>) -> Option<Candidates<'_>> {
        let address = event.callsite() as *const Callsite as usize;
        let offset = address.checked_sub(self.base)?;
        if offset % size_of::<Callsite>() != 0 {
            return None;
        }
        let site = self.sites.get(offset / size_of::<Callsite>())?;
        Some(Candidates {
            info: site.info,
            rules: &site.rules,
        })
    }
}
