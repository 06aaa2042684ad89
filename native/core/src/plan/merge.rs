//! The merge of two name-ordered streams into one plan entry per name, refusing a stream out of
//! order (it would pair the wrong names).

use crate::plan::{PlanEntry, PlanItem, PlanRules, blob_name};
use std::cmp::Ordering;
use std::iter::Peekable;

/// The merge failed: a stream broke the order the merge relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderViolation {
    pub previous: String,
    pub next: String,
}

pub struct SyncPlan<S: PlanItem, D: PlanItem, SI: Iterator<Item = S>, DI: Iterator<Item = D>> {
    local: Peekable<SI>,
    remote: Peekable<DI>,
    last_source: Option<String>,
    last_remote: Option<String>,
    rules: PlanRules,
}

fn check_order(last: &mut Option<String>, next: &str) -> Result<(), OrderViolation> {
    if let Some(prev) = last.as_deref() {
        if blob_name::compare(prev, next) != Ordering::Less {
            return Err(OrderViolation { previous: prev.to_string(), next: next.to_string() });
        }
    }
    *last = Some(next.to_string());
    Ok(())
}

impl<S: PlanItem, D: PlanItem, SI: Iterator<Item = S>, DI: Iterator<Item = D>> SyncPlan<S, D, SI, DI> {
    pub fn new(source: SI, dest: DI) -> Self {
        Self::with_rules(source, dest, PlanRules::default())
    }

    pub fn with_rules(source: SI, dest: DI, rules: PlanRules) -> Self {
        Self { local: source.peekable(), remote: dest.peekable(), last_source: None, last_remote: None, rules }
    }

    /// Either stream out of order would pair the wrong names, so both are checked.
    fn take_source(&mut self) -> Result<S, OrderViolation> {
        let entry = self.local.next().expect("peeked");
        check_order(&mut self.last_source, entry.relative())?;
        Ok(entry)
    }

    fn take_remote(&mut self) -> Result<D, OrderViolation> {
        let entry = self.remote.next().expect("peeked");
        check_order(&mut self.last_remote, entry.relative())?;
        Ok(entry)
    }

    fn source_included(&self, source: &S) -> bool {
        self.rules.filter.includes_source(source.relative(), source.modified())
    }
}

impl<S: PlanItem, D: PlanItem, SI: Iterator<Item = S>, DI: Iterator<Item = D>> Iterator for SyncPlan<S, D, SI, DI> {
    type Item = Result<PlanEntry<S, D>, OrderViolation>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let order = match (self.local.peek(), self.remote.peek()) {
                (None, None) => return None,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(l), Some(r)) => blob_name::compare(l.relative(), r.relative()),
            };
            match order {
                Ordering::Less => {
                    let source = match self.take_source() {
                        Ok(s) => s,
                        Err(e) => return Some(Err(e)),
                    };
                    if self.source_included(&source) {
                        let decision = self.rules.decide(&source, None::<&D>);
                        return Some(Ok(PlanEntry::Source { source, dest: None, decision }));
                    }
                }
                Ordering::Greater => {
                    let remote = match self.take_remote() {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e)),
                    };
                    if !self.rules.filter.includes_name(remote.relative()) {
                        continue;
                    }
                    return Some(Ok(if self.rules.delete_extras {
                        PlanEntry::Delete(remote)
                    } else {
                        PlanEntry::OnlyAtDestination(remote)
                    }));
                }
                Ordering::Equal => {
                    let remote = match self.take_remote() {
                        Ok(r) => r,
                        Err(e) => return Some(Err(e)),
                    };
                    let source = match self.take_source() {
                        Ok(s) => s,
                        Err(e) => return Some(Err(e)),
                    };
                    // A source entry outside the filter still exists: its counterpart is neither
                    // compared nor deleted.
                    if self.source_included(&source) {
                        let decision = self.rules.decide(&source, Some(&remote));
                        return Some(Ok(PlanEntry::Source { source, dest: Some(remote), decision }));
                    }
                }
            }
        }
    }
}
