//! A stream of random numbers that generators draw from: one `Vec<u32>`
//! proptest strategy drives structures whose shape depends on earlier
//! choices, and proptest still shrinks a failure by shrinking the stream.

use proptest::collection::vec;
use proptest::prelude::*;

/// Draws numbers from a stream (zeros once it runs out).
pub struct Gen {
    /// The stream.
    pub vals: Vec<u32>,
    pos: usize,
}

impl Gen {
    pub fn new(vals: Vec<u32>) -> Self {
        Gen { vals, pos: 0 }
    }

    /// Deterministic stream for the sanity checks (an LCG).
    pub fn seeded(seed: u64, len: usize) -> Self {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let vals = (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) as u32
            })
            .collect();
        Gen::new(vals)
    }

    pub fn next(&mut self) -> u32 {
        let v = self.vals.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.next() as usize % n }
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indices below `n` (k clamped to n).
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut pool: Vec<usize> = (0..n).collect();
        let mut out = Vec::new();
        for _ in 0..k.min(n) {
            let i = self.below(pool.len());
            out.push(pool.remove(i));
        }
        out
    }
}

pub fn stream() -> impl Strategy<Value = Vec<u32>> {
    vec(any::<u32>(), 0..600)
}
