//! Sign-in: server address, email, password. Once signed in the app opens straight to home, also
//! offline.

use dioxus::prelude::*;

use super::app::{Screen, use_app, use_navigate};

/// The sign-in screen.
#[component]
pub fn SignIn() -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut navigate = use_navigate();
    let known = app.store.session().ok().flatten();
    let mut server = use_signal(|| known.as_ref().map(|s| s.server.clone()).unwrap_or_default());
    let mut email = use_signal(|| known.as_ref().map(|s| s.user.email.clone()).unwrap_or_default());
    let mut password = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<String>);
    let submit = move |event: FormEvent| {
        event.prevent_default();
        let engine = std::sync::Arc::clone(&app.engine);
        busy.set(true);
        error.set(None);
        spawn(async move {
            match engine.sign_in(&server(), &email(), &password()).await {
                Ok(_) => {
                    engine.request_sync();
                    navigate.set(Screen::Home);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    rsx! {
        form { class: "screen", onsubmit: submit,
            h1 { "{t.app_name}" }
            label { r#for: "server", "{t.server_address}" }
            input { id: "server", name: "server", r#type: "url", inputmode: "url", autocomplete: "url",
                placeholder: "https://", initial_value: "{server}", oninput: move |e| server.set(e.value()) }
            label { r#for: "email", "{t.email}" }
            input { id: "email", name: "email", r#type: "email", inputmode: "email", autocomplete: "username",
                initial_value: "{email}", oninput: move |e| email.set(e.value()) }
            label { r#for: "password", "{t.password}" }
            input { id: "password", name: "password", r#type: "password", autocomplete: "current-password",
                initial_value: "{password}", oninput: move |e| password.set(e.value()) }
            if let Some(message) = error() {
                div { class: "error", role: "alert", "{message}" }
            }
            button { class: "primary", r#type: "submit", disabled: busy(),
                if busy() { "{t.signing_in}" } else { "{t.sign_in}" }
            }
        }
    }
}
