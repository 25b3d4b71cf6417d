//! IAM mini-grammars (being written).
