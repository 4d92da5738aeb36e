//! The photo pipeline on real phone and camera photos (`shared/fixtures/photos`) and on files built
//! to be refused, through the library and through the `fleet-photo` tool.

use std::error::Error as StdError;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use mobile::media::{MAX_SIDE, ProcessedPhoto, process_bytes, process_photo};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn StdError>>;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/photos");
const ALL_FIXTURES: [&str; 10] = [
    "jolla.jpg",
    "DSCN0010.jpg",
    "landscape_1.jpg",
    "landscape_2.jpg",
    "landscape_3.jpg",
    "landscape_4.jpg",
    "landscape_5.jpg",
    "landscape_6.jpg",
    "landscape_7.jpg",
    "landscape_8.jpg",
];
/// The server's upload limit for one photo.
const SERVER_PHOTO_LIMIT: u64 = 10 * 1024 * 1024;
/// Mean absolute difference (0-255) under which two small grey thumbnails show the same picture.
const SAME_PICTURE: f64 = 8.0;

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn decode_output(photo: &ProcessedPhoto) -> Result<DynamicImage, Box<dyn StdError>> {
    Ok(image::load_from_memory_with_format(&fs::read(&photo.path)?, ImageFormat::Jpeg)?)
}

/// A 32×24 grey thumbnail, enough to tell a picture from its mirror image or its upside-down copy,
/// with its mean brightness moved to mid-grey (landscape_1 was saved brighter than the other seven).
fn thumbnail(image: &DynamicImage) -> Vec<u8> {
    let grey = image.resize_exact(32, 24, FilterType::Triangle).to_luma8().into_raw();
    let mean = grey.iter().map(|&value| i32::from(value)).sum::<i32>() / i32::try_from(grey.len()).unwrap_or(1);
    grey.iter().map(|&value| u8::try_from((i32::from(value) - mean + 128).clamp(0, 255)).unwrap_or(128)).collect()
}

fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    let total: u32 = a.iter().zip(b).map(|(x, y)| u32::from(x.abs_diff(*y))).sum();
    f64::from(total) / a.len().max(1) as f64
}

fn refusal_code(result: mobile::Result<ProcessedPhoto>) -> Option<String> {
    result.err().map(|error| error.code().to_owned())
}

/// The markers of a JPEG's segments before its image data.
fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while let Some(&[0xFF, marker, high, low]) = jpeg.get(at..at + 4) {
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        at += 2 + usize::from(u16::from_be_bytes([high, low]));
    }
    markers
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn StdError>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() { files.extend(files_under(&path)?) } else { files.push(path) }
    }
    Ok(files)
}

/// A minimal EXIF block (little-endian TIFF, one entry) holding only an orientation.
fn exif_with_orientation(orientation: u8) -> Vec<u8> {
    let mut exif = b"II*\0\x08\0\0\0\x01\0".to_vec();
    exif.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif
}

/// A PNG whose header claims `width` × `height` RGB pixels, followed by a few bytes of image data.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut png, b"IHDR", &header);
    png_chunk(&mut png, b"IDAT", &[0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn png_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn all_eight_exif_orientations_come_out_upright_and_alike() -> TestResult {
    let folder = TempDir::new()?;
    let mut photos = Vec::new();
    for n in 1..=8 {
        let photo = process_photo(&fixture(&format!("landscape_{n}.jpg")), folder.path())?;
        photos.push((n, photo.width, photo.height, thumbnail(&decode_output(&photo)?)));
    }
    for (n, width, height, _) in &photos {
        assert!(width > height, "landscape_{n} comes out {width}×{height}");
        assert_eq!((*width, *height), (photos[0].1, photos[0].2), "landscape_{n}");
    }
    for (i, (n, _, _, first)) in photos.iter().enumerate() {
        for (m, _, _, second) in &photos[i + 1..] {
            let difference = mean_difference(first, second);
            assert!(difference < SAME_PICTURE, "landscape_{n} and landscape_{m} differ by {difference:.1}");
        }
    }
    Ok(())
}

#[test]
fn the_likeness_threshold_tells_a_photo_from_its_unturned_pixels() -> TestResult {
    let upright = thumbnail(&image::open(fixture("landscape_1.jpg"))?);
    for n in [2, 3, 4] {
        // Decoded without applying the orientation: mirrored or upside down, though the same size.
        let stored = thumbnail(&image::open(fixture(&format!("landscape_{n}.jpg")))?);
        let difference = mean_difference(&upright, &stored);
        assert!(difference > 2.0 * SAME_PICTURE, "landscape_{n} unturned differs by only {difference:.1}");
    }
    Ok(())
}

#[test]
fn a_turned_photo_over_the_size_limit_is_shrunk_and_stood_upright() -> TestResult {
    // Stored 2000×1000, red on the left and blue on the right; EXIF 6 says "turn 90° clockwise".
    let stored = RgbImage::from_fn(2000, 1000, |x, _| if x < 1000 { Rgb([220, 30, 30]) } else { Rgb([30, 30, 220]) });
    let mut jpeg = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut jpeg, 90);
    encoder.set_exif_metadata(exif_with_orientation(6))?;
    encoder.encode_image(&stored)?;
    let folder = TempDir::new()?;

    let photo = process_bytes(&jpeg, folder.path())?;

    assert_eq!((photo.width, photo.height), (800, 1600));
    let output = decode_output(&photo)?.to_rgb8();
    let [top_red, _, top_blue] = output.get_pixel(400, 200).0;
    let [bottom_red, _, bottom_blue] = output.get_pixel(400, 1400).0;
    assert!(top_red > 150 && top_blue < 100, "the left side turns to the top");
    assert!(bottom_blue > 150 && bottom_red < 100, "the right side turns to the bottom");
    Ok(())
}

#[test]
fn every_fixture_photo_is_saved_small_as_jpeg_under_its_own_hash() -> TestResult {
    let folder = TempDir::new()?;
    for name in ALL_FIXTURES {
        let photo = process_photo(&fixture(name), folder.path())?;
        let saved = fs::read(&photo.path)?;
        assert!(photo.width.max(photo.height) <= MAX_SIDE, "{name}: {}×{}", photo.width, photo.height);
        assert!(photo.bytes <= SERVER_PHOTO_LIMIT, "{name}: {} bytes", photo.bytes);
        assert_eq!(photo.bytes, u64::try_from(saved.len())?, "{name}");
        let decoded = image::load_from_memory_with_format(&saved, ImageFormat::Jpeg)?;
        assert_eq!((decoded.width(), decoded.height()), (photo.width, photo.height), "{name}");
        assert_eq!(photo.sha256, hex::encode(Sha256::digest(&saved)), "{name}");
        assert_eq!(photo.path, folder.path().join(&photo.sha256[..2]).join(format!("{}.jpg", photo.sha256)));
    }
    Ok(())
}

#[test]
fn a_phone_photo_is_shrunk_to_1600_by_1200() -> TestResult {
    let folder = TempDir::new()?;
    let photo = process_photo(&fixture("jolla.jpg"), folder.path())?;
    assert_eq!((photo.width, photo.height), (1600, 1200));
    Ok(())
}

#[test]
fn the_saved_photo_carries_no_exif_so_no_gps_position() -> TestResult {
    let input = fs::read(fixture("DSCN0010.jpg"))?;
    assert!(header_markers(&input).contains(&0xE1), "the camera photo has an EXIF (APP1) segment");
    let folder = TempDir::new()?;

    let photo = process_bytes(&input, folder.path())?;

    let markers = header_markers(&fs::read(&photo.path)?);
    assert!(markers.contains(&0xDB), "the segment walk reaches the quantisation tables: {markers:x?}");
    assert!(!markers.contains(&0xE1), "no APP1 segment: {markers:x?}");
    Ok(())
}

#[test]
fn the_colour_profile_is_kept() -> TestResult {
    let profile = b"a colour profile, as phones embed for Display P3".to_vec();
    let mut jpeg = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut jpeg, 90);
    encoder.set_icc_profile(profile.clone())?;
    encoder.encode_image(&RgbImage::from_pixel(64, 48, Rgb([200, 120, 40])))?;
    let folder = TempDir::new()?;

    let photo = process_bytes(&jpeg, folder.path())?;

    let mut decoder = JpegDecoder::new(std::io::Cursor::new(fs::read(&photo.path)?))?;
    assert_eq!(decoder.icc_profile()?, Some(profile));
    Ok(())
}

#[test]
fn transparent_parts_of_a_png_turn_white() -> TestResult {
    let mut png = Vec::new();
    PngEncoder::new(&mut png).write_image(
        RgbaImage::from_pixel(40, 30, Rgba([0, 0, 0, 0])).as_raw(),
        40,
        30,
        image::ExtendedColorType::Rgba8,
    )?;
    let folder = TempDir::new()?;

    let photo = process_bytes(&png, folder.path())?;

    let [red, green, blue] = decode_output(&photo)?.to_rgb8().get_pixel(20, 15).0;
    assert!(red > 245 && green > 245 && blue > 245, "got {red},{green},{blue}");
    Ok(())
}

#[test]
fn the_same_photo_twice_gives_the_same_hash_and_one_file() -> TestResult {
    let folder = TempDir::new()?;
    let first = process_photo(&fixture("jolla.jpg"), folder.path())?;
    let second = process_photo(&fixture("jolla.jpg"), folder.path())?;
    assert_eq!(first, second);
    assert_eq!(files_under(folder.path())?, vec![first.path]);
    Ok(())
}

#[test]
fn a_heic_photo_is_refused_with_advice_to_shoot_jpeg() -> TestResult {
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend_from_slice(b"\0\0\0\x08meta");
    let folder = TempDir::new()?;

    let error = process_bytes(&heic, folder.path()).err().ok_or("a HEIC file was accepted")?;

    assert_eq!(error.code(), "unsupported_format");
    let message = error.to_string();
    assert!(message.contains("HEIC") && message.contains("JPEG"), "{message}");
    Ok(())
}

#[test]
fn a_text_file_is_not_an_image() -> TestResult {
    let folder = TempDir::new()?;
    let text = folder.path().join("notes.jpg");
    fs::write(&text, "fuel 40 litres, receipt to follow\n")?;
    assert_eq!(refusal_code(process_photo(&text, folder.path())).as_deref(), Some("not_an_image"));
    Ok(())
}

#[test]
fn a_small_file_claiming_50000_by_50000_pixels_is_too_large() -> TestResult {
    let folder = TempDir::new()?;
    let bomb = png_claiming(50_000, 50_000);
    assert!(bomb.len() < 100);
    assert_eq!(refusal_code(process_bytes(&bomb, folder.path())).as_deref(), Some("image_too_large"));
    Ok(())
}

#[test]
fn a_picture_within_the_side_limit_but_over_100_megapixels_is_too_large() -> TestResult {
    let folder = TempDir::new()?;
    let bomb = png_claiming(11_000, 10_000);
    assert_eq!(refusal_code(process_bytes(&bomb, folder.path())).as_deref(), Some("image_too_large"));
    Ok(())
}

#[test]
fn a_truncated_jpeg_is_refused_as_corrupt() -> TestResult {
    let whole = fs::read(fixture("jolla.jpg"))?;
    let folder = TempDir::new()?;
    let half = &whole[..whole.len() / 2];
    assert_eq!(refusal_code(process_bytes(half, folder.path())).as_deref(), Some("corrupt_image"));
    assert!(files_under(folder.path())?.is_empty(), "nothing is saved");
    Ok(())
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() -> TestResult {
    let folder = TempDir::new()?;
    let huge = folder.path().join("huge.jpg");
    // Sparse: the size is on record, but no data was ever written.
    fs::File::create(&huge)?.set_len(mobile::media::MAX_INPUT_BYTES + 1)?;
    assert_eq!(refusal_code(process_photo(&huge, folder.path())).as_deref(), Some("file_too_large"));
    Ok(())
}

#[test]
fn the_tool_prints_the_saved_photo_on_one_line() -> TestResult {
    let folder = TempDir::new()?;
    let output =
        Command::new(env!("CARGO_BIN_EXE_fleet-photo")).arg(fixture("jolla.jpg")).arg(folder.path()).output()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout)?;
    let fields: Vec<&str> = stdout.trim_end().split(' ').collect();
    let [path, sha256, width, height, bytes] = fields.as_slice() else {
        return Err(format!("five fields expected: {stdout}").into());
    };
    let saved = fs::read(path.strip_prefix("path=").ok_or("path= first")?)?;
    assert_eq!(*sha256, format!("sha256={}", hex::encode(Sha256::digest(&saved))));
    assert_eq!([*width, *height], ["width=1600", "height=1200"]);
    assert_eq!(*bytes, format!("bytes={}", saved.len()));
    assert_eq!(stdout.lines().count(), 1);
    Ok(())
}

#[test]
fn the_tool_refuses_a_text_file_with_exit_code_2_and_one_line() -> TestResult {
    let folder = TempDir::new()?;
    let text = folder.path().join("notes.txt");
    fs::write(&text, "not a photo\n")?;

    let output = Command::new(env!("CARGO_BIN_EXE_fleet-photo")).arg(&text).arg(folder.path()).output()?;

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not_an_image"), "{stderr}");
    assert!(output.stdout.is_empty());
    Ok(())
}

#[test]
fn the_tool_without_its_two_arguments_prints_usage_and_exits_2() -> TestResult {
    let output = Command::new(env!("CARGO_BIN_EXE_fleet-photo")).arg("only-one").output()?;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr)?.starts_with("usage: fleet-photo IN OUT_DIR"));
    Ok(())
}
