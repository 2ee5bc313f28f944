//! Apps: adding directory apps, creating one, removing them, making and deleting keys (rules
//! APP-1..4).

use partnerkit_access::{Principal, Subject};
use partnerkit_core::SecretString;
use partnerkit_identity::Command as I;

use super::{Gives, app, other_than};
use crate::command::AccountCommand as C;
use crate::entry::SecretOf;
use crate::execute::{Step, Tx};

/// The apps' commands, as a pattern.
macro_rules! apps_commands {
    () => {
        $crate::AccountCommand::AddApps { .. }
            | $crate::AccountCommand::CreateApp(_)
            | $crate::AccountCommand::RemoveApps { .. }
            | $crate::AccountCommand::AddAppKey { .. }
            | $crate::AccountCommand::DeleteAppKey { .. }
    };
}
pub(crate) use apps_commands;
pub(crate) use apps_commands as commands;

impl Tx<'_, '_> {
    /// The apps' translation.
    pub(super) fn apps(&mut self, command: C) -> Step {
        let Gives { added, grant, .. } = gives(&command);
        match command {
            C::AddApps { tenant, apps, .. } => {
                self.identity(I::AddApps { tenant, apps })?;
                self.grant_many(added, grant)
            }
            C::CreateApp(a) => {
                self.identity(I::CreateApp {
                    tenant: a.tenant,
                    app: Some(a.app),
                    name: a.name,
                    reply_url: a.reply_url,
                    app_id_uri: a.app_id_uri,
                })?;
                self.grant_many(added, grant)
            }
            C::RemoveApps { apps, confirmed } => self.identity(I::RemoveApps { apps, confirmed }),
            C::AddAppKey {
                app,
                key,
                expires_at,
            } => {
                let value = SecretString::generate_key_value(self.ctx.rng()?)?;
                self.identity(I::AddKey {
                    app,
                    key: Some(key),
                    value: value.clone(),
                    expires_at,
                })?;
                self.reveal(SecretOf::KeyValue { app, key }, value);
                Ok(())
            }
            C::DeleteAppKey { app, key } => self.identity(I::DeleteKey { app, key }),
            other @ other_than!(apps) => self.unrouted(other),
        }
    }
}

/// The principals an app command acts on (rule ROL-9): the apps it adds, removes or keys. A
/// new app acts on no one.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        C::AddApps { apps, .. } => apps.iter().map(|a| app(&a.app)).collect(),
        C::RemoveApps { apps, .. } => apps.iter().map(app).collect(),
        C::AddAppKey { app: a, .. } | C::DeleteAppKey { app: a, .. } => vec![app(a)],
        C::CreateApp(_) | other_than!(apps) => Vec::new(),
    }
}

/// What an app command gives (rule ROL-8): the apps it adds or creates, with their grant.
/// A key is the app's own credential, no grant.
pub(crate) fn gives(command: &C) -> Gives {
    match command {
        C::AddApps { apps, grant, .. } => Gives::adds(
            apps.iter().map(|a| Principal::App(a.app)).collect(),
            Some(*grant),
        ),
        C::CreateApp(a) => Gives::adds(vec![Principal::App(a.app)], a.grant),
        C::RemoveApps { .. } | C::AddAppKey { .. } | C::DeleteAppKey { .. } | other_than!(apps) => {
            Gives::nothing()
        }
    }
}
