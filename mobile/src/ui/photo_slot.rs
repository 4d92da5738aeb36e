//! A photo field: "Take photo" runs the camera, the photo pipeline and the store, then shows a
//! preview. The field's value is the reference a record carries, `media:<sha256>`.

use base64::Engine as _;
use dioxus::prelude::*;

use super::app::{off_ui, use_app};

/// The preview of a stored photo as a data URL, if the phone has the file.
fn preview(store: &crate::store::Store, reference: &str) -> Option<String> {
    let sha = reference.strip_prefix("media:")?;
    let photo = store.photo(sha).ok()??;
    let bytes = std::fs::read(&photo.path).ok()?;
    Some(format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// One photo slot.
#[component]
pub fn PhotoSlot(label: String, value: Signal<Option<String>>) -> Element {
    let app = use_app();
    let t = app.lang.text();
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);
    let shown = value().and_then(|reference| preview(&app.store, &reference));
    let take = move |_| {
        let (platform, store, folder) =
            (std::sync::Arc::clone(&app.platform), std::sync::Arc::clone(&app.store), app.photos_dir.clone());
        busy.set(true);
        spawn(async move {
            let taken = off_ui(move || {
                let Some(file) = platform.camera.take_photo()? else { return Ok(None) };
                let photo = crate::media::process_photo(&file, &folder)?;
                store.add_photo(&photo)?;
                Ok(Some(format!("media:{}", photo.sha256)))
            })
            .await;
            match taken {
                Ok(Some(reference)) => {
                    error.set(None);
                    value.set(Some(reference));
                }
                Ok(None) => {}
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    rsx! {
        div { class: "photo-slot",
            label { "{label}" }
            if let Some(src) = shown {
                img { src: "{src}", alt: "{label}" }
            }
            button { class: "secondary", r#type: "button", disabled: busy(), onclick: take, "{t.take_photo}" }
            if let Some(message) = error() {
                div { class: "field-error", role: "alert", "{message}" }
            }
        }
    }
}
