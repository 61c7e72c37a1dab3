//! Inputs that used to lose or duplicate data quietly: over-long ids, decomposed accents, a
//! byte-order mark, ids holding quotes, numeric options out of range and generator models that
//! cannot be sampled.

mod options;
