//! A small deterministic pseudo-random generator (SplitMix64), so that a seed names a corpus exactly
//! on every machine and toolchain.

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, full period, good enough for test inputs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; 0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of `items` (`None` when there is none).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }

    /// One of the `items`, chosen with the weights beside them (`None` when there is none).
    pub fn weighted_pick<'a, T>(&mut self, items: &'a [(T, u32)]) -> Option<&'a T> {
        let weights: Vec<u32> = items.iter().map(|(_, w)| *w).collect();
        items.get(self.weighted(&weights)).map(|(item, _)| item)
    }

    /// An index chosen with the given weights (all zero: 0).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut roll = (self.next_u64() % u64::from(total)) as u32;
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_bounds_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
        let mut c = Rng::new(8);
        assert_ne!(c.next_u64(), xs[0]);
        for _ in 0..1000 {
            assert!(a.below(3) < 3);
            assert_eq!(a.weighted(&[0, 5, 0]), 1);
            assert_eq!(a.weighted_pick(&[("a", 0), ("b", 5)]), Some(&"b"));
            assert!(a.pick(&[1, 2, 3]).is_some_and(|x| (1..=3).contains(x)));
        }
        assert_eq!(a.pick::<u8>(&[]), None);
        assert_eq!(a.weighted_pick::<u8>(&[]), None);
    }
}
