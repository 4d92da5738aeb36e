//! Whether a JPEG file is whole. The decoder is lenient and paints the missing part of a cut-off
//! JPEG grey, so a photo that was only half copied or half uploaded would be saved as if it were
//! fine; walking the file's segments up to its end-of-image marker tells the two apart.

/// Start of scan: compressed image data follows its header.
const SOS: u8 = 0xDA;
/// End of image.
const EOI: u8 = 0xD9;
/// Restart markers inside compressed data.
const RST0: u8 = 0xD0;
const RST7: u8 = 0xD7;
/// A marker that stands alone, without a length.
const TEM: u8 = 0x01;

/// Whether the segments of `bytes` (which starts with a JPEG start-of-image marker) run up to an
/// end-of-image marker. Whatever follows it (some phones append a video or a second picture) is
/// not looked at.
pub(super) fn reaches_end_of_image(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        let Some((marker, after_marker)) = next_marker(bytes, at) else {
            return false;
        };
        match marker {
            EOI => return true,
            RST0..=RST7 | TEM => at = after_marker,
            _ => {
                let Some(after_segment) = segment_end(bytes, after_marker) else {
                    return false;
                };
                at = if marker == SOS { end_of_scan(bytes, after_segment) } else { after_segment };
            }
        }
    }
}

/// The marker at or after `at` (skipping stray bytes and fill bytes) and the position after it.
fn next_marker(bytes: &[u8], at: usize) -> Option<(u8, usize)> {
    let rest = bytes.get(at..)?;
    let start = at + rest.iter().position(|&byte| byte == 0xFF)?;
    let code_at = start + bytes.get(start..)?.iter().position(|&byte| byte != 0xFF)?;
    Some((bytes[code_at], code_at + 1))
}

/// The end of the segment whose two-byte length starts at `at`, if the file holds all of it.
fn segment_end(bytes: &[u8], at: usize) -> Option<usize> {
    let length = bytes.get(at..at + 2)?;
    let end = at + usize::from(u16::from_be_bytes([length[0], length[1]]));
    (end <= bytes.len()).then_some(end)
}

/// The position of the first marker after compressed data that starts at `at`, or the end of the
/// file. Inside the data a 0xFF byte is followed by 0x00 (an escaped 0xFF) or a restart marker.
fn end_of_scan(bytes: &[u8], at: usize) -> usize {
    let mut from = at;
    while let Some(offset) = bytes.get(from..).and_then(|rest| rest.iter().position(|&byte| byte == 0xFF)) {
        let ff = from + offset;
        match bytes.get(ff + 1) {
            Some(0x00 | RST0..=RST7 | 0xFF) => from = ff + 1,
            Some(_) => return ff,
            None => break,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A skeleton JPEG: start of image, one segment, a scan with escaped 0xFF and a restart marker,
    /// end of image.
    fn skeleton() -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x04, 0xFF, 0xD9]);
        bytes.extend_from_slice(&[0xFF, SOS, 0x00, 0x03, 0x01]);
        bytes.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56]);
        bytes.extend_from_slice(&[0xFF, EOI]);
        bytes
    }

    #[test]
    fn a_whole_file_reaches_its_end_even_with_bytes_after_it() {
        let mut bytes = skeleton();
        assert!(reaches_end_of_image(&bytes));
        bytes.extend_from_slice(b"ftypmp42 appended video");
        assert!(reaches_end_of_image(&bytes));
    }

    #[test]
    fn every_cut_short_of_the_end_marker_is_caught() {
        let bytes = skeleton();
        for cut in 0..bytes.len() - 1 {
            assert!(!reaches_end_of_image(&bytes[..cut]), "cut at {cut}");
        }
    }
}
