//! One file per LSP method, as ruff's server lays them out: each exposes `handle(server, params)`.

pub mod code_action;
pub mod completion;
pub mod did_change;
pub mod did_close;
pub mod did_open;
pub mod did_save;
pub mod hover;
