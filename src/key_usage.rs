//! Throttle for recording access-key last use: at most one store write per
//! key per minute per node, whatever the request rate.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::core::time::Epoch;

/// How long a recorded use stands before the next one is written.
pub const RECORD_EVERY_SECS: Epoch = 60;
/// Past this many keys the memory is dropped (then each key writes once more).
const MAX_KEYS: usize = 10_000;

#[derive(Debug, Default)]
pub struct KeyUsage {
    recorded: Mutex<HashMap<String, Epoch>>,
}

impl KeyUsage {
    /// Whether a use of `access_key_id` at `now` should be written; when it
    /// should, it counts as written from now on.
    pub fn due(&self, access_key_id: &str, now: Epoch) -> bool {
        let mut recorded = self
            .recorded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(at) = recorded.get(access_key_id)
            && now >= *at
            && now - *at < RECORD_EVERY_SECS
        {
            return false;
        }
        if recorded.len() >= MAX_KEYS {
            recorded.clear();
        }
        recorded.insert(access_key_id.to_string(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_write_per_key_per_minute() {
        let u = KeyUsage::default();
        assert!(u.due("AKIA1", 1000));
        assert!(!u.due("AKIA1", 1000));
        assert!(!u.due("AKIA1", 1059));
        assert!(u.due("AKIA2", 1001));
        assert!(u.due("AKIA1", 1060));
        // A clock moved backwards must not silence a key for good.
        assert!(u.due("AKIA1", 900));
    }
}
