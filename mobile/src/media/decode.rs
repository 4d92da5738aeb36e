//! Decoding a photo under limits: the size the file claims is checked from its header before any
//! pixel is decoded, so a small file that claims to be huge costs nothing.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, metadata::Orientation};

use super::{jpeg, refusal};
use crate::{Error, Result};

/// The longest side the app decodes, in pixels.
pub const MAX_DECODED_SIDE: u32 = 12_000;
/// The most pixels the app decodes (100 megapixels; phone cameras save up to about 50).
pub const MAX_DECODED_PIXELS: u64 = 100_000_000;
/// The most memory the decoder may take.
pub const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
/// A colour profile larger than this is not carried over into the saved photo.
const MAX_ICC_PROFILE_BYTES: usize = 256 * 1024;

/// A decoded photo, as stored: its pixels still need `orientation` to stand upright.
#[derive(Debug)]
pub(super) struct Decoded {
    pub image: DynamicImage,
    pub orientation: Orientation,
    /// The colour profile the pixel values are in (phones shoot Display P3), kept so colours stay true.
    pub icc_profile: Option<Vec<u8>>,
}

/// Decodes `bytes` in `format` within the limits above.
pub(super) fn decode(bytes: &[u8], format: ImageFormat) -> Result<Decoded> {
    if format == ImageFormat::Jpeg && !jpeg::reaches_end_of_image(bytes) {
        return Err(corrupt());
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(refuse)?;
    check_size(&decoder)?;
    let orientation = decoder.orientation().map_err(refuse)?;
    let icc_profile = colour_profile(&mut decoder);
    let image = DynamicImage::from_decoder(decoder).map_err(refuse)?;
    Ok(Decoded { image, orientation, icc_profile })
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

/// Refuses an image whose header claims more pixels, or more decoded bytes, than the limits allow.
fn check_size(decoder: &impl ImageDecoder) -> Result<()> {
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_DECODED_PIXELS || decoder.total_bytes() > MAX_DECODE_ALLOC {
        return Err(too_large());
    }
    Ok(())
}

/// The photo's colour profile, if it has one of a sensible size. A profile that cannot be read
/// only costs colour accuracy, so it is dropped rather than refusing the photo.
fn colour_profile(decoder: &mut impl ImageDecoder) -> Option<Vec<u8>> {
    let profile = decoder.icc_profile().ok().flatten()?;
    (profile.len() <= MAX_ICC_PROFILE_BYTES).then_some(profile)
}

/// The refusal for a decoder error. The decoder's own words are logged, not shown: they are for
/// whoever investigates, not for the driver.
fn refuse(error: ImageError) -> Error {
    tracing::debug!(%error, "photo refused by the decoder");
    match error {
        ImageError::Limits(_) => too_large(),
        ImageError::Decoding(_) | ImageError::IoError(_) => corrupt(),
        ImageError::Unsupported(_) => refusal(
            "unsupported_format",
            "This photo is saved in a way the app cannot read. Choose a JPEG, PNG or WebP picture.".into(),
        ),
        ImageError::Parameter(detail) => Error::Internal(format!("decoding a photo: {detail}")),
        ImageError::Encoding(detail) => Error::Internal(format!("decoding a photo: {detail}")),
    }
}

fn too_large() -> Error {
    refusal(
        "image_too_large",
        format!(
            "This picture has too many pixels. The app takes pictures up to {} megapixels and {MAX_DECODED_SIDE} \
             pixels a side.",
            MAX_DECODED_PIXELS / 1_000_000
        ),
    )
}

fn corrupt() -> Error {
    refusal("corrupt_image", "This photo is damaged or incomplete and cannot be read. Take it again.".into())
}
