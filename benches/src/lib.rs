//! Bench data generators and peers (placeholder until the bench issue).
