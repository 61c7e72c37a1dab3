//! A small, fixed pseudo-random generator and a weighted sampler.
//!
//! The generator's promise is byte-identical output for a seed, across builds and dependency
//! upgrades, so the algorithm lives here rather than in a crate whose default generator may
//! change between versions. SplitMix64 (Steele, Lea and Flood, 2014) passes BigCrush, needs one
//! word of state, and derives independent per-article streams from `(seed, article)`.

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent stream for item `n` of the run seeded `seed`.
    pub fn stream(seed: u64, n: u64) -> Rng {
        let mut mix = Rng::new(seed ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng::new(mix.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[0, n)`; `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: the bias is below 2^-64 · n, far under anything measurable here.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Draws indices in proportion to fixed weights (cumulative sums and a binary search).
#[derive(Debug, Clone, Default)]
pub struct Weighted {
    cumulative: Vec<u64>,
}

impl Weighted {
    /// A sampler over `weights`; zero weights are never drawn.
    pub fn new(weights: impl IntoIterator<Item = u64>) -> Weighted {
        let mut total = 0u64;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cumulative }
    }

    /// The sum of the weights.
    pub fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// An index, drawn in proportion to its weight; the sampler must not be empty.
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let at = rng.below(self.total());
        self.cumulative.partition_point(|&c| c <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_fixes_the_sequence() {
        // The reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_ne!(
            Rng::stream(7, 1).next_u64(),
            Rng::stream(7, 2).next_u64(),
            "streams differ"
        );
    }

    #[test]
    fn draws_follow_the_weights_and_skip_zero_weights() {
        let sampler = Weighted::new([1, 0, 3]);
        let mut rng = Rng::new(42);
        let mut counts = [0usize; 3];
        for _ in 0..40_000 {
            counts[sampler.draw(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        let ratio = counts[2] as f64 / counts[0] as f64;
        assert!((2.8..3.2).contains(&ratio), "{counts:?}");
    }

    #[test]
    fn between_stays_in_its_bounds() {
        let mut rng = Rng::new(3);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let v = rng.between(2, 5);
            seen[(v - 2) as usize] = true;
        }
        assert_eq!(seen, [true; 4]);
    }
}
