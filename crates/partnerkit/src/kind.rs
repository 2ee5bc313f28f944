//! What kind of command a command is, without its data:
//! [`AccountCommand::kind`](crate::AccountCommand::kind), derived in `command.rs` from the
//! enum itself (each variant maps to the kind of the same name). The kinds themselves,
//! [`CommandKind`] and [`ReadKind`], belong to the authorisation model in
//! `partnerkit-access`, which is keyed by them.

pub use partnerkit_access::{CommandKind, ReadKind};
