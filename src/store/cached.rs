//! In-memory cache in front of the store. (Being written.)
