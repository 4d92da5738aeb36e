//! What kind of file a photo is, told from its first bytes rather than its name: the three formats
//! the app reads, HEIC/HEIF and AVIF (which phones save by default but the app cannot read), or
//! anything else.

use image::ImageFormat;

use super::refusal;
use crate::Result;

/// Brands of the ISO-BMFF `ftyp` box that mark a HEIF still image: HEIC (HEVC-coded), the generic
/// HEIF image and sequence brands, and AVIF.
const HEIF_BRANDS: [&[u8; 4]; 13] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"mif2", b"msf1", b"avif", b"avis",
];

/// The image format of `bytes`, or the refusal a driver sees when the app cannot read it.
pub(super) fn detect(bytes: &[u8]) -> Result<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(ImageFormat::WebP);
    }
    match heif_brand(bytes) {
        Some(brand) => Err(heif_refusal(brand)),
        None => Err(not_an_image()),
    }
}

/// The first HEIF brand named in the file's leading `ftyp` box, if it has one.
fn heif_brand(bytes: &[u8]) -> Option<&'static [u8; 4]> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let declared = bytes.get(0..4).and_then(|size| size.try_into().ok()).map(u32::from_be_bytes)?;
    let end = usize::try_from(declared).unwrap_or(usize::MAX).min(bytes.len());
    // The major brand at 8..12, the minor version at 12..16, then the compatible brands.
    let major = bytes.get(8..12).into_iter();
    let compatible = bytes.get(16..end).unwrap_or_default().chunks_exact(4);
    major.chain(compatible).find_map(|brand| HEIF_BRANDS.into_iter().find(|known| known.as_slice() == brand))
}

fn heif_refusal(brand: &[u8; 4]) -> crate::Error {
    let name = if brand.starts_with(b"avi") { "AVIF" } else { "HEIC" };
    refusal(
        "unsupported_format",
        format!(
            "This photo is in the {name} format, which the app cannot use. Set the camera to save photos \
             as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible) and take the photo again."
        ),
    )
}

fn not_an_image() -> crate::Error {
    refusal("not_an_image", "This file is not a photo the app can use. Choose a JPEG, PNG or WebP picture.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = u32::try_from(16 + 4 * compatible.len()).unwrap_or(u32::MAX);
        let mut bytes = size.to_be_bytes().to_vec();
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(major);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        compatible.iter().for_each(|brand| bytes.extend_from_slice(*brand));
        bytes.extend_from_slice(b"\0\0\0\x08meta");
        bytes
    }

    #[test]
    fn heif_is_found_by_a_compatible_brand_too() {
        assert_eq!(heif_brand(&ftyp(b"heic", &[])), Some(b"heic"));
        assert_eq!(heif_brand(&ftyp(b"xxxx", &[b"isom", b"mif1"])), Some(b"mif1"));
        assert_eq!(heif_brand(&ftyp(b"avif", &[b"mif1"])), Some(b"avif"));
    }

    #[test]
    fn video_and_brands_past_the_box_are_not_heif() {
        assert_eq!(heif_brand(&ftyp(b"isom", &[b"mp41"])), None);
        let mut bytes = ftyp(b"qt  ", &[]);
        bytes.extend_from_slice(b"heic");
        assert_eq!(heif_brand(&bytes), None);
        assert_eq!(heif_brand(b"\0\0\0\x18ftyp"), None);
    }

    #[test]
    fn refusals_carry_their_codes() {
        let code = |bytes: &[u8]| detect(bytes).err().map(|error| error.code().to_owned());
        assert_eq!(code(&ftyp(b"heic", &[])).as_deref(), Some("unsupported_format"));
        assert_eq!(code(b"GIF89a").as_deref(), Some("not_an_image"));
        assert_eq!(code(b"").as_deref(), Some("not_an_image"));
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 ").ok(), Some(ImageFormat::WebP));
    }
}
