//! The pure core: no I/O, no async, no global clock or RNG. Time and
//! randomness are parameters so every function here is testable with fixed
//! values. Nothing in `core` imports from the rest of the crate.

pub mod arn;
pub mod error;
pub mod ids;
pub mod policy;
pub mod query;
pub mod saml;
pub mod seal;
pub mod secret;
pub mod sigv4;
pub mod time;
pub mod token;
pub mod validate;
pub mod xml;

/// A source of randomness passed into pure functions. The service uses the
/// system CSPRNG; tests pass a deterministic one.
pub trait Random {
    fn fill(&mut self, buf: &mut [u8]);
}
