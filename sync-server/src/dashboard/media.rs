//! `/media/{sha256}` and `/media/{sha256}/thumb`: photos for the pages, to signed-in users who
//! may see a record that uses them (the API's rule); anyone else gets 404.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

use super::PageResult;
use super::session::Signed;
use crate::error::Error;
use crate::media::uploads;
use crate::state::AppState;

/// The photo at full size.
pub async fn full(state: State<AppState>, signed: Signed, sha256: Path<String>) -> PageResult {
    serve(state, signed, sha256, false).await
}

/// Its thumbnail (longest side 320 px).
pub async fn thumb(state: State<AppState>, signed: Signed, sha256: Path<String>) -> PageResult {
    serve(state, signed, sha256, true).await
}

async fn serve(State(state): State<AppState>, signed: Signed, Path(sha256): Path<String>, thumb: bool) -> PageResult {
    if !uploads::valid_sha(&sha256) || !uploads::may_see(&state.pool, &signed.user, &sha256).await? {
        return Err(Error::NotFound("photo").into());
    }
    let Some((bytes, content_type)) = uploads::read(&state.pool, &state.media, &sha256, thumb).await? else {
        return Err(Error::NotFound("photo").into());
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
