//! Is it a real photo? The format and the size are read from the header first, so a small file
//! that claims 50000×50000 pixels is refused before anything is allocated for its pixels; only
//! then is it decoded (within memory limits) and a thumbnail made.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, ImageReader, Limits};
use shared_model::protocol::{MAX_PHOTO_SIDE, THUMB_SIDE};

/// A photo that passed.
#[derive(Debug, Clone)]
pub struct Checked {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: &'static str,
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// A JPEG whose longest side is at most 320 px.
    pub thumbnail: Vec<u8>,
}

/// Why a file is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a JPEG, PNG or WebP, or one that does not decode.
    #[error("not a JPEG, PNG or WebP image: {0}")]
    NotAnImage(String),
    /// More than 8000 px on a side.
    #[error("{0}×{1} pixels; at most {MAX_PHOTO_SIDE} a side")]
    TooLarge(u32, u32),
}

/// The most memory one decode may take: an 8000×8000 RGBA image and a little more.
const MAX_DECODE_BYTES: u64 = 8000 * 8000 * 4 + 16 * 1024 * 1024;

/// The size the header claims, read without decoding; (0, 0) when there is no readable header.
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    imagesize::blob_size(bytes).map_or((0, 0), |size| {
        (u32::try_from(size.width).unwrap_or(u32::MAX), u32::try_from(size.height).unwrap_or(u32::MAX))
    })
}

/// Checks a photo and makes its thumbnail. CPU-bound: call it off the async threads.
pub fn check(bytes: &[u8]) -> Result<Checked, Refusal> {
    let format = image::guess_format(bytes).map_err(|e| Refusal::NotAnImage(e.to_string()))?;
    let content_type = match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        ImageFormat::WebP => "image/webp",
        other => return Err(Refusal::NotAnImage(format!("{other:?} is not taken"))),
    };
    // Only the header's bytes are read here, whatever the rest of the file holds or lacks.
    let size = imagesize::blob_size(bytes).map_err(|e| Refusal::NotAnImage(e.to_string()))?;
    let width = u32::try_from(size.width).unwrap_or(u32::MAX);
    let height = u32::try_from(size.height).unwrap_or(u32::MAX);
    if width > MAX_PHOTO_SIDE || height > MAX_PHOTO_SIDE {
        return Err(Refusal::TooLarge(width, height));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PHOTO_SIDE);
    limits.max_image_height = Some(MAX_PHOTO_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| Refusal::NotAnImage(e.to_string()))?;
    let small = image.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    let mut thumbnail = Vec::new();
    JpegEncoder::new_with_quality(&mut thumbnail, 80)
        .encode_image(&small)
        .map_err(|e| Refusal::NotAnImage(e.to_string()))?;
    Ok(Checked { content_type, width, height, thumbnail })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../../shared/fixtures/photos/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default()
    }

    /// A PNG whose header claims `width`×`height` and that has no pixel data at all.
    pub(crate) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]);
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32(&ihdr).to_be_bytes());
        png.extend(0u32.to_be_bytes());
        png.extend(b"IEND");
        png.extend(crc32(b"IEND").to_be_bytes());
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn a_real_phone_photo_passes_with_a_small_thumbnail() {
        let checked = check(&fixture("jolla.jpg")).expect("a real photo");
        assert_eq!((checked.content_type, checked.width, checked.height), ("image/jpeg", 3264, 2448));
        let thumb = image::load_from_memory(&checked.thumbnail).expect("thumbnail decodes");
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    #[test]
    fn a_pixel_bomb_is_refused_from_its_header() {
        let bomb = png_claiming(50_000, 50_000);
        assert!(bomb.len() < 100);
        assert_eq!(check(&bomb).expect_err("bomb").to_string(), "50000×50000 pixels; at most 8000 a side");
    }

    #[test]
    fn text_and_truncated_photos_are_not_images() {
        assert!(matches!(check(b"just some text, not a photo"), Err(Refusal::NotAnImage(_))));
        let photo = fixture("landscape_1.jpg");
        assert!(matches!(check(&photo[..200]), Err(Refusal::NotAnImage(_))));
        assert!(matches!(check(&[]), Err(Refusal::NotAnImage(_))));
    }
}
