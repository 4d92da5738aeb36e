//! A GPS track drawn as SVG, with no map tiles: longitude scaled by the cosine of the mean
//! latitude (an equirectangular projection, true enough over a day's drive), fitted into the
//! picture, with the start, the end and a scale bar.

use maud::{Markup, html};
use shared_model::geo::{EARTH_RADIUS_KM, GpsTrack};

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 500.0;
const MARGIN: f64 = 24.0;
/// More points than this are thinned evenly for drawing (the stored track is untouched).
const MAX_DRAWN: usize = 4000;

/// Points of the picture, in drawing order.
fn project(track: &GpsTrack) -> Vec<(f64, f64)> {
    let points = track.points();
    let mean_lat = points.iter().map(|p| p.lat).sum::<f64>() / points.len().max(1) as f64;
    let squeeze = mean_lat.to_radians().cos();
    let raw: Vec<(f64, f64)> = points.iter().map(|p| (p.lon * squeeze, -p.lat)).collect();
    let (min_x, max_x) = raw.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (min_y, max_y) = raw.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let span = (max_x - min_x).max(max_y - min_y).max(1e-9);
    let scale = ((WIDTH - 2.0 * MARGIN) / span).min((HEIGHT - 2.0 * MARGIN) / span);
    // Centre the drawing.
    let offset_x = (WIDTH - (max_x - min_x) * scale) / 2.0;
    let offset_y = (HEIGHT - (max_y - min_y) * scale) / 2.0;
    raw.iter().map(|(x, y)| ((x - min_x) * scale + offset_x, (y - min_y) * scale + offset_y)).collect()
}

/// Kilometres per picture unit: degrees of the drawing times the length of a degree.
fn km_per_unit(track: &GpsTrack) -> f64 {
    let points = track.points();
    let mean_lat = points.iter().map(|p| p.lat).sum::<f64>() / points.len().max(1) as f64;
    let squeeze = mean_lat.to_radians().cos();
    let xs = points.iter().map(|p| p.lon * squeeze);
    let ys = points.iter().map(|p| -p.lat);
    let span_x = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min);
    let span_y = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min);
    let span = span_x.max(span_y).max(1e-9);
    let scale = ((WIDTH - 2.0 * MARGIN) / span).min((HEIGHT - 2.0 * MARGIN) / span);
    let km_per_degree = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
    km_per_degree / scale
}

/// A round length for the scale bar that fits in about a fifth of the width.
fn scale_bar(km_per_unit: f64) -> (f64, String) {
    let target = km_per_unit * WIDTH / 5.0;
    let candidates = [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0];
    let km = candidates.iter().copied().rev().find(|c| *c <= target).unwrap_or(0.05);
    let label = if km < 1.0 { format!("{} m", (km * 1000.0).round()) } else { format!("{km} km") };
    (km / km_per_unit, label)
}

/// The track as an SVG picture.
pub fn svg(track: &GpsTrack) -> Markup {
    let drawn = project(track);
    let step = drawn.len().div_ceil(MAX_DRAWN).max(1);
    let mut points: Vec<(f64, f64)> = drawn.iter().copied().step_by(step).collect();
    if let Some(last) = drawn.last()
        && points.last() != Some(last)
    {
        points.push(*last);
    }
    let line = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let (bar, label) = scale_bar(km_per_unit(track));
    let start = drawn.first().copied().unwrap_or_default();
    let end = drawn.last().copied().unwrap_or_default();
    html! {
        svg.track xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img"
            aria-label={ "GPS track of " (track.points().len()) " points" } {
            rect.ground x="0" y="0" width=(WIDTH) height=(HEIGHT) {}
            polyline.route points=(line) fill="none" {}
            circle.start cx=(format!("{:.1}", start.0)) cy=(format!("{:.1}", start.1)) r="7" { title { "Start" } }
            circle.end cx=(format!("{:.1}", end.0)) cy=(format!("{:.1}", end.1)) r="7" { title { "End" } }
            g.scale transform={ "translate(" (MARGIN) "," (HEIGHT - 12.0) ")" } {
                line x1="0" y1="0" x2=(format!("{bar:.1}")) y2="0" {}
                text x="0" y="-6" { (label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_model::geo::TrackPoint;

    fn track(points: &[(f64, f64)]) -> GpsTrack {
        let points = points
            .iter()
            .enumerate()
            .map(|(i, (lon, lat))| TrackPoint { lon: *lon, lat: *lat, time_ms: 1_700_000_000_000 + i as i64 * 1000 })
            .collect();
        GpsTrack::new(points).unwrap_or_else(|e| panic!("track: {e:?}"))
    }

    #[test]
    fn the_drawing_fits_the_picture_and_keeps_its_shape() {
        // Due east then due north, the same distance at 60° north: the drawn legs are equal.
        let t = track(&[(10.0, 60.0), (10.02, 60.0), (10.02, 60.01)]);
        let p = project(&t);
        for (x, y) in &p {
            assert!((0.0..=WIDTH).contains(x) && (0.0..=HEIGHT).contains(y), "{x},{y}");
        }
        let east = (p[1].0 - p[0].0).abs();
        let north = (p[2].1 - p[1].1).abs();
        assert!((east / north - 1.0).abs() < 0.01, "east {east} north {north}");
        assert!(p[2].1 < p[1].1, "north is up");
    }

    #[test]
    fn the_scale_bar_is_a_round_length() {
        let t = track(&[(13.80, 46.44), (13.86, 46.46)]);
        let (units, label) = scale_bar(km_per_unit(&t));
        assert!(units > 0.0 && units <= WIDTH / 5.0 + 1.0, "{units}");
        assert!(label.ends_with(" m") || label.ends_with(" km"), "{label}");
    }

    #[test]
    fn the_svg_has_a_line_through_every_point() {
        let t = track(&[(77.59, 12.97), (77.60, 12.98), (77.61, 12.975)]);
        let markup = svg(&t).into_string();
        assert!(markup.contains("<polyline"));
        let points = markup.split("points=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
        assert_eq!(points.split(' ').count(), 3);
    }
}
