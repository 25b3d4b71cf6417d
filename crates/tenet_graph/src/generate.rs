//! Synthetic estates.
