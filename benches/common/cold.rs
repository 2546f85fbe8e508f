//! Cold caches: what a program's one configure at start-up finds.
//!
//! Benchmarks repeat a workload in a loop, so from the second iteration on
//! a small schema, and the memory its previous registry freed, are already
//! in cache. A program configures its registry once, with none of it
//! cached. [`Evictor::evict`] before each timed call reproduces that.

use std::hint::black_box;

/// Bytes written between two cold calls: 64 MB, twice the 32 MB L3 of the
/// benchmark machine and more than the L2 + L3 of common desktop and
/// server CPUs.
const EVICT_BYTES: usize = 64 << 20;

/// A buffer larger than the caches, written through before each cold call.
pub struct Evictor {
    buffer: Vec<u8>,
    round: u8,
}

impl Evictor {
    pub fn new() -> Self {
        Evictor {
            buffer: vec![0; EVICT_BYTES],
            round: 0,
        }
    }

    /// Writes every byte of the buffer (a new value each call, so the
    /// writes cannot be skipped), pushing everything else out of the
    /// caches.
    pub fn evict(&mut self) {
        self.round = self.round.wrapping_add(1);
        self.buffer.fill(self.round);
        black_box(&self.buffer);
    }
}
