//! Arithmetic used by `app` across a crate boundary.
//!
//! The two public functions differ in one way that decides what LTO can do
//! for them; see README.md beside this crate's workspace.

/// A *leaf* function: no calls, a single statement.
///
/// Since Rust 1.75 rustc marks such small leaf functions cross-crate
/// inlinable on its own (outside incremental builds), so `app` inlines it
/// even with `lto = "off"`: LTO gets no credit for it.
pub fn square(n: u64) -> u64 {
    n.wrapping_mul(n)
}

/// A *non-leaf* function: it calls [`mix`], which stays a call even after
/// rustc's MIR optimisations.
///
/// rustc does not make it cross-crate inlinable, so without LTO `app` calls it
/// through a real symbol `math_utils::checksum`; under fat LTO it is inlined
/// into its caller and its symbol disappears from the binary.
pub fn checksum(limit: u64) -> u64 {
    let mut acc = 0x9e37_79b9_7f4a_7c15_u64;
    for i in 0..limit {
        acc = mix(acc, square(i));
    }
    acc
}

/// One step of a simple multiplicative hash.
///
/// `#[inline(never)]` keeps [`checksum`] a non-leaf: rustc decides
/// cross-crate inlinability *after* its MIR inliner has run, so a small
/// private helper would be folded into `checksum` and make it a leaf again
/// (the same device as rustc's own `stem_fn` test of this rule).
#[inline(never)]
fn mix(acc: u64, value: u64) -> u64 {
    (acc ^ value).wrapping_mul(0x0100_0000_01b3).rotate_left(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_wraps() {
        assert_eq!(square(3), 9);
        assert_eq!(square(u64::MAX), 1);
    }

    #[test]
    fn checksum_depends_on_limit() {
        assert_ne!(checksum(10), checksum(11));
    }
}
