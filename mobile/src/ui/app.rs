//! The root component: the shared context, the sync status every screen shows, the running trip,
//! and which screen is open.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dioxus::prelude::*;
use uuid::Uuid;

use super::strings::Lang;
use super::trip::RunningTrip;
use super::{activity_form, expense_form, home, sign_in, sync_bar, theme, trip};
use crate::platform::Platform;
use crate::store::Store;
use crate::sync::{Engine, SyncStatus};

/// What every screen reaches through the context.
#[derive(Clone)]
pub struct AppContext {
    /// The local database.
    pub store: Arc<Store>,
    /// The sync engine.
    pub engine: Arc<Engine>,
    /// Camera, location and the data folder.
    pub platform: Arc<Platform>,
    /// Where processed photos are kept.
    pub photos_dir: PathBuf,
    /// The language of the screens.
    pub lang: Lang,
    /// How often the engine syncs on its own.
    pub sync_every: Duration,
    /// Whether the app runs the engine's background loop (off only where something else drives
    /// the syncs, as in screen tests).
    pub background_sync: bool,
}

impl std::fmt::Debug for AppContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppContext").field("lang", &self.lang).finish_non_exhaustive()
    }
}

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Server, email, password.
    SignIn,
    /// The user's lists and actions.
    Home,
    /// A new expense (`None`) or an edit.
    Expense(Option<Uuid>),
    /// A new activity or an edit.
    Activity(Option<Uuid>),
    /// Start, follow and end a trip.
    Trip,
}

/// The app: sign-in when nobody is signed in on this phone, else home (also offline).
#[component]
pub fn App() -> Element {
    let app = use_context::<AppContext>();
    let signed_in = app.store.session().ok().flatten().is_some();
    rsx! { Screens { start: if signed_in { Screen::Home } else { Screen::SignIn } } }
}

/// The app opened at `start`.
#[component]
pub fn Screens(start: Screen) -> Element {
    let app = use_context::<AppContext>();
    let screen = use_context_provider(|| Signal::new(start));
    let mut status = use_context_provider(|| {
        app.engine.refresh_status();
        Signal::new(app.engine.status().borrow().clone())
    });
    use_context_provider(|| Signal::new(None::<RunningTrip>));
    // The engine syncs in the background: on start, when asked, on a timer; its status feeds the
    // sync bar.
    use_hook(|| {
        if app.background_sync {
            let engine = Arc::clone(&app.engine);
            let every = app.sync_every;
            spawn(async move { engine.run(every).await });
        }
        let mut updates = app.engine.status();
        spawn(async move {
            while updates.changed().await.is_ok() {
                let now: SyncStatus = updates.borrow().clone();
                status.set(now);
            }
        });
    });
    rsx! {
        style { {theme::CSS} }
        div { class: "app",
            if screen() != Screen::SignIn {
                sync_bar::SyncBar {}
            }
            match screen() {
                Screen::SignIn => rsx! { sign_in::SignIn {} },
                Screen::Home => rsx! { home::Home {} },
                Screen::Expense(uuid) => rsx! { expense_form::ExpenseForm { uuid } },
                Screen::Activity(uuid) => rsx! { activity_form::ActivityForm { uuid } },
                Screen::Trip => rsx! { trip::Trip {} },
            }
        }
    }
}

/// The context, in a screen.
pub fn use_app() -> AppContext {
    use_context::<AppContext>()
}

/// Opens another screen.
pub fn use_navigate() -> Signal<Screen> {
    use_context::<Signal<Screen>>()
}

/// The engine's status, kept current.
pub fn use_sync_status() -> Signal<SyncStatus> {
    use_context::<Signal<SyncStatus>>()
}

/// Saves a capture on a worker; then asks for a sync and goes home, or shows why it was refused.
pub fn save_and_go_home(
    app: &AppContext,
    save: impl FnOnce(&Store) -> crate::Result<Uuid> + Send + 'static,
    mut failure: Signal<Option<String>>,
    mut navigate: Signal<Screen>,
) {
    let (store, engine) = (Arc::clone(&app.store), Arc::clone(&app.engine));
    spawn(async move {
        match off_ui(move || save(&store)).await {
            Ok(_) => {
                engine.request_sync();
                navigate.set(Screen::Home);
            }
            Err(e) => failure.set(Some(e.to_string())),
        }
    });
}

/// Runs store work on a blocking worker, off the UI thread.
pub async fn off_ui<T: Send + 'static>(work: impl FnOnce() -> crate::Result<T> + Send + 'static) -> crate::Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| crate::Error::Internal(e.to_string()))?
}
