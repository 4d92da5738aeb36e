//! The app's style sheet: large type and touch targets, strong contrast for sunlight.

/// CSS for the whole app.
pub const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Noto Sans", "Noto Sans Devanagari", sans-serif; font-size: 18px;
       background: #ffffff; color: #111111; }
.app { max-width: 480px; margin: 0 auto; min-height: 100vh; display: flex; flex-direction: column; }
.screen { padding: 12px 16px 96px; flex: 1; }
h1 { font-size: 24px; margin: 8px 0 16px; }
h2 { font-size: 20px; margin: 20px 0 8px; }
label { display: block; font-weight: 600; margin: 14px 0 6px; }
input, select, textarea { width: 100%; min-height: 52px; font-size: 18px; padding: 10px 12px;
       border: 2px solid #333333; border-radius: 8px; background: #ffffff; color: #111111; }
textarea { min-height: 96px; }
button, .button { display: block; width: 100%; min-height: 56px; font-size: 19px; font-weight: 700;
       border: none; border-radius: 10px; margin: 10px 0; padding: 12px; cursor: pointer; }
.primary { background: #0b5394; color: #ffffff; }
.secondary { background: #e8e8e8; color: #111111; border: 2px solid #333333; }
.danger { background: #a61c00; color: #ffffff; }
button:disabled { opacity: 0.5; }
.field-error { color: #a61c00; font-weight: 600; margin-top: 4px; }
.notice { background: #fff4ce; border: 2px solid #7a5c00; padding: 10px; border-radius: 8px; margin: 10px 0; }
.error { background: #fde7e3; border: 2px solid #a61c00; padding: 10px; border-radius: 8px; margin: 10px 0; }
.item { border: 2px solid #cccccc; border-radius: 10px; padding: 10px 12px; margin: 8px 0; }
.item .title { font-weight: 700; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-size: 15px; font-weight: 700; margin-top: 6px; }
.badge.waiting { background: #fff4ce; color: #5c4500; }
.badge.pending { background: #dbe9f7; color: #0b3d6e; }
.badge.synced, .badge.approved { background: #d9f2d9; color: #0f5a0f; }
.badge.rejected, .badge.refused { background: #fde7e3; color: #8a1700; }
.reason { color: #8a1700; margin-top: 4px; }
.sync-bar { position: sticky; top: 0; background: #0b2545; color: #ffffff; padding: 8px 16px; font-size: 16px; z-index: 2; }
.sync-bar .row { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.sync-bar button { width: auto; min-height: 44px; margin: 4px 0; padding: 6px 14px; font-size: 16px;
       background: #ffffff; color: #0b2545; }
.sync-bar .offline { color: #ffd966; font-weight: 700; }
.sync-bar .bar-error { color: #ffb3a7; }
.photos { display: flex; gap: 8px; }
.photo-slot { flex: 1; text-align: center; }
.photo-slot img { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; border-radius: 8px; border: 2px solid #333333; }
.photo-slot button { min-height: 48px; font-size: 16px; }
.trip-live { font-size: 32px; font-weight: 800; text-align: center; margin: 12px 0; }
"#;
