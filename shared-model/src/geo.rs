//! GPS tracks: the GeoJSON Feature of the sync protocol and the haversine length both sides use.

use serde::{Deserialize, Serialize};

/// The most points one track may hold.
pub const MAX_TRACK_POINTS: usize = 20_000;

/// Mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// One kept GPS fix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// Degrees east, -180..=180.
    pub lon: f64,
    /// Degrees north, -90..=90.
    pub lat: f64,
    /// Unix time in milliseconds.
    pub time_ms: i64,
}

/// A recorded trip: at least two fixes, in time order. On the wire it is a GeoJSON Feature
/// (RFC 7946) with a `LineString` of `[longitude, latitude]` and `properties.times`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FeatureJson", into = "FeatureJson")]
pub struct GpsTrack {
    points: Vec<TrackPoint>,
}

/// Why a GeoJSON value is not a track.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackError {
    /// Not a Feature with a LineString geometry.
    #[error("gps_data must be a GeoJSON Feature with a LineString geometry")]
    NotALineFeature,
    /// Fewer than two points, or more than [`MAX_TRACK_POINTS`].
    #[error("a track has between 2 and {MAX_TRACK_POINTS} points")]
    PointCount,
    /// A position is not `[longitude, latitude]` within range.
    #[error("point {0} is not a valid [longitude, latitude]")]
    BadPosition(usize),
    /// `properties.times` does not give one time per point, in order.
    #[error("properties.times must hold one non-decreasing Unix time in milliseconds per point")]
    BadTimes,
}

impl GpsTrack {
    /// A track from fixes, checked as on the wire.
    pub fn new(points: Vec<TrackPoint>) -> Result<Self, TrackError> {
        if !(2..=MAX_TRACK_POINTS).contains(&points.len()) {
            return Err(TrackError::PointCount);
        }
        for (i, p) in points.iter().enumerate() {
            let valid = p.lon.is_finite()
                && p.lat.is_finite()
                && (-180.0..=180.0).contains(&p.lon)
                && (-90.0..=90.0).contains(&p.lat);
            if !valid {
                return Err(TrackError::BadPosition(i));
            }
        }
        if points.windows(2).any(|w| w[1].time_ms < w[0].time_ms) || points.iter().any(|p| p.time_ms < 0) {
            return Err(TrackError::BadTimes);
        }
        Ok(GpsTrack { points })
    }

    /// The fixes.
    pub fn points(&self) -> &[TrackPoint] {
        &self.points
    }

    /// The length of the line in kilometres.
    pub fn length_km(&self) -> f64 {
        self.points.windows(2).map(|w| haversine_km(&w[0], &w[1])).sum()
    }
}

/// The great-circle distance between two fixes, in kilometres.
pub fn haversine_km(a: &TrackPoint, b: &TrackPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[derive(Serialize, Deserialize)]
struct FeatureJson {
    #[serde(rename = "type")]
    kind: String,
    geometry: GeometryJson,
    properties: PropertiesJson,
}

#[derive(Serialize, Deserialize)]
struct GeometryJson {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<Vec<f64>>,
}

#[derive(Serialize, Deserialize)]
struct PropertiesJson {
    times: Vec<i64>,
}

impl TryFrom<FeatureJson> for GpsTrack {
    type Error = TrackError;

    fn try_from(json: FeatureJson) -> Result<Self, Self::Error> {
        if json.kind != "Feature" || json.geometry.kind != "LineString" {
            return Err(TrackError::NotALineFeature);
        }
        let coordinates = json.geometry.coordinates;
        if coordinates.len() > MAX_TRACK_POINTS {
            return Err(TrackError::PointCount);
        }
        if json.properties.times.len() != coordinates.len() {
            return Err(TrackError::BadTimes);
        }
        let points = coordinates
            .iter()
            .zip(&json.properties.times)
            .enumerate()
            .map(|(i, (position, time_ms))| match position.as_slice() {
                // RFC 7946 allows an altitude as a third number; the length is 2-D.
                [lon, lat] | [lon, lat, _] => Ok(TrackPoint { lon: *lon, lat: *lat, time_ms: *time_ms }),
                _ => Err(TrackError::BadPosition(i)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        GpsTrack::new(points)
    }
}

impl From<GpsTrack> for FeatureJson {
    fn from(track: GpsTrack) -> Self {
        FeatureJson {
            kind: "Feature".into(),
            geometry: GeometryJson {
                kind: "LineString".into(),
                coordinates: track.points.iter().map(|p| vec![p.lon, p.lat]).collect(),
            },
            properties: PropertiesJson { times: track.points.iter().map(|p| p.time_ms).collect() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lon: f64, lat: f64, time_ms: i64) -> TrackPoint {
        TrackPoint { lon, lat, time_ms }
    }

    /// Reads the `<trkpt lat=".." lon="..">` fixes of a GPX file, timing them one second apart.
    fn gpx_points(gpx: &str) -> Vec<TrackPoint> {
        let attr = |tag: &str, name: &str| -> f64 {
            let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            let end = start + tag[start..].find('"').expect("closing quote");
            tag[start..end].parse().expect("number")
        };
        gpx.split("<trkpt")
            .skip(1)
            .enumerate()
            .map(|(i, rest)| {
                let tag = &rest[..rest.find('>').expect("end of tag")];
                point(attr(tag, "lon"), attr(tag, "lat"), 1_700_000_000_000 + 1000 * i as i64)
            })
            .collect()
    }

    #[test]
    fn the_mojstrovka_track_is_about_2_70_km() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/gps/Mojstrovka.gpx");
        let gpx = std::fs::read_to_string(path).expect("fixture ../shared/fixtures/gps/Mojstrovka.gpx");
        let points = gpx_points(&gpx);
        assert_eq!(points.len(), 184);
        let km = GpsTrack::new(points).expect("valid track").length_km();
        assert!((km - 2.70).abs() < 0.03, "length was {km} km");
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let km = haversine_km(&point(77.0, 12.0, 0), &point(77.0, 13.0, 1));
        assert!((km - 111.19).abs() < 0.05, "{km}");
    }

    #[test]
    fn the_geojson_form_round_trips() {
        let track = GpsTrack::new(vec![point(77.59, 12.97, 1000), point(77.60, 12.98, 2000)]).expect("track");
        let json = serde_json::to_value(&track).expect("serialise");
        assert_eq!(json["type"], "Feature");
        assert_eq!(json["geometry"]["type"], "LineString");
        assert_eq!(json["geometry"]["coordinates"][0][0], 77.59);
        assert_eq!(json["properties"]["times"][1], 2000);
        assert_eq!(serde_json::from_value::<GpsTrack>(json).expect("parse"), track);
    }

    #[test]
    fn malformed_tracks_are_refused_with_a_reason() {
        let feature = |coordinates: serde_json::Value, times: serde_json::Value| serde_json::json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coordinates}, "properties": {"times": times}});
        let err = |v| serde_json::from_value::<GpsTrack>(v).expect_err("refused").to_string();
        assert!(err(feature(serde_json::json!([[77.0, 12.0]]), serde_json::json!([1]))).contains("between 2"));
        assert!(
            err(feature(serde_json::json!([[77.0, 12.0], [200.0, 12.0]]), serde_json::json!([1, 2])))
                .contains("point 1")
        );
        assert!(
            err(feature(serde_json::json!([[77.0, 12.0], [77.1, 12.0]]), serde_json::json!([2, 1]))).contains("times")
        );
        assert!(
            err(feature(serde_json::json!([[77.0, 12.0], [77.1, 12.0]]), serde_json::json!([1]))).contains("times")
        );
        assert!(err(serde_json::json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [[1.0, 2.0]]}, "properties": {"times": [1]}})).contains("LineString"));
    }
}
