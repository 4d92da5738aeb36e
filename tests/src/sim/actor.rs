//! One simulated phone: the real store and sync engine, driven by a person who captures,
//! edits and deletes at random, syncs when it likes, and walks out of signal now and then.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::Utc;
use mobile::store::Store;
use mobile::sync::Engine;
use shared_model::Money;
use shared_model::geo::{GpsTrack, TrackPoint};
use shared_model::protocol::{PullTable, PushTable};
use shared_model::tables::{ActivityCapture, ExpenseCapture, ReportCapture};
use uuid::Uuid;

use super::people::{Kind, Person};
use super::stats::Stats;
use crate::phone::test_config;

/// Where nothing answers: a phone out of signal.
const NOWHERE: &str = "http://127.0.0.1:9";

/// A phone of the simulation and what its person did with it.
#[derive(Debug)]
pub struct SimPhone {
    /// Whose it is.
    pub person: Person,
    /// Its local database.
    pub store: Arc<Store>,
    /// Its sync engine.
    pub engine: Arc<Engine>,
    /// How far its clock is off.
    pub clock_offset: chrono::Duration,
    /// Every capture made on it: (uuid, table).
    pub made: Mutex<Vec<(Uuid, PushTable)>>,
    /// Captures deleted before they ever left the phone.
    pub withdrawn: Mutex<HashSet<Uuid>>,
    dir: tempfile::TempDir,
}

fn rng_duration(rng: &mut fastrand::Rng, from_ms: u64, to_ms: u64) -> Duration {
    Duration::from_millis(rng.u64(from_ms..=to_ms))
}

impl SimPhone {
    /// A phone for `person` whose clock is `clock_offset` off, signed in through `server`.
    pub async fn new(person: Person, clock_offset: chrono::Duration, server: &str) -> anyhow::Result<SimPhone> {
        let dir = tempfile::tempdir()?;
        let wall: mobile::store::WallClock = Arc::new(move || Utc::now() + clock_offset);
        let store = Arc::new(Store::open_with_clock(&dir.path().join("fleet.sqlite"), wall)?);
        let engine = Arc::new(Engine::new(Arc::clone(&store), test_config()));
        let mut attempt = 0;
        loop {
            match engine.sign_in(server, &person.email, super::people::PASSWORD).await {
                Ok(_) => break,
                Err(error) if attempt < 20 => {
                    attempt += 1;
                    tracing_free_log(&format!("{}: sign-in retried: {error}", person.email));
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(SimPhone {
            person,
            store,
            engine,
            clock_offset,
            made: Mutex::new(Vec::new()),
            withdrawn: Mutex::new(HashSet::new()),
            dir,
        })
    }

    /// Points the phone at `server` (or nowhere).
    pub fn point_at(&self, server: &str) -> anyhow::Result<()> {
        let mut session = self.store.session()?.ok_or_else(|| anyhow::anyhow!("not signed in"))?;
        session.server = server.to_owned();
        self.store.set_session(&session)?;
        Ok(())
    }

    fn campaigns(&self) -> anyhow::Result<Vec<i64>> {
        Ok(self.store.server_rows(PullTable::Campaigns)?.iter().filter_map(|r| r["id"].as_i64()).collect())
    }

    fn note_made(&self, uuid: Uuid, table: PushTable) {
        if let Ok(mut made) = self.made.lock() {
            made.push((uuid, table));
        }
    }

    /// A photo of its own: a small picture no other photo shares, through the real pipeline.
    fn take_photo(&self, rng: &mut fastrand::Rng) -> anyhow::Result<String> {
        let (width, height) = (320, 240);
        let seed = [rng.u8(..), rng.u8(..), rng.u8(..)];
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            let shade = |c: u8, k: u32| c.wrapping_add(((x * k + y * (k + 1)) % 251) as u8);
            image::Rgb([shade(seed[0], 3), shade(seed[1], 5), shade(seed[2], 7)])
        });
        let mut jpeg = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut jpeg, image::ImageFormat::Jpeg)?;
        let photo = mobile::media::process_bytes(jpeg.get_ref(), &self.dir.path().join("photos"))?;
        self.store.add_photo(&photo)?;
        Ok(format!("media:{}", photo.sha256))
    }

    fn expense(&self, rng: &mut fastrand::Rng, campaign_id: i64) -> anyhow::Result<ExpenseCapture> {
        let kinds = ["fuel", "toll", "food"];
        Ok(ExpenseCapture {
            campaign_id,
            expense_type: kinds[rng.usize(..kinds.len())].to_owned(),
            amount: Money::from_str(&format!("{}.{:02}", rng.u32(20..5000), rng.u32(0..100)))?,
            submitted_date: self.store.wall_now().date_naive(),
            description: Some(format!("bill {}", rng.u32(..1_000_000))),
            bill_image: if rng.u8(..10) < 3 { Some(self.take_photo(rng)?) } else { None },
        })
    }

    fn activity(&self, rng: &mut fastrand::Rng, campaign_id: i64) -> anyhow::Result<ActivityCapture> {
        let villages = ["Hosahalli", "Kodihalli", "Belur", "Tumkur", "Magadi", "Nelamangala"];
        let mut photos = [None, None, None];
        for slot in &mut photos {
            if rng.u8(..10) < 4 {
                *slot = Some(self.take_photo(rng)?);
            }
        }
        let [before_image, during_image, after_image] = photos;
        Ok(ActivityCapture {
            campaign_id,
            village_name: villages[rng.usize(..villages.len())].to_owned(),
            activity_date: self.store.wall_now().date_naive(),
            people_attended: Some(i64::from(rng.u16(5..400))),
            activity_count: Some(i64::from(rng.u8(1..6))),
            before_image,
            during_image,
            after_image,
            specialty: Some("demo stall".to_owned()),
            language: Some("Kannada".to_owned()),
            remarks: Some(format!("visit {}", rng.u32(..1_000_000))),
        })
    }

    fn report(&self, rng: &mut fastrand::Rng, campaign_id: i64) -> anyhow::Result<ReportCapture> {
        // A drive of 20 to 200 fixes around Bengaluru, one every 10 s at about 40 km/h.
        let points = rng.usize(20..200);
        let start = Utc::now().timestamp_millis() - (points as i64) * 10_000;
        let (mut lon, mut lat) = (77.5 + rng.f64() * 0.2, 12.9 + rng.f64() * 0.2);
        let track: Vec<TrackPoint> = (0..points)
            .map(|i| {
                lon += 0.0008 + rng.f64() * 0.0004;
                lat += (rng.f64() - 0.5) * 0.0008;
                TrackPoint { lon, lat, time_ms: start + i as i64 * 10_000 }
            })
            .collect();
        let track = GpsTrack::new(track).map_err(|e| anyhow::anyhow!("track: {e:?}"))?;
        Ok(ReportCapture {
            campaign_id,
            report_date: self.store.wall_now().date_naive(),
            locations_covered: Some("Ring road, market".to_owned()),
            km_travelled: Some(track.length_km()),
            photos_url: if rng.bool() { vec![self.take_photo(rng)?] } else { Vec::new() },
            gps_data: Some(track),
            notes: Some(format!("trip {}", rng.u32(..1_000_000))),
        })
    }

    /// A new capture of the person's kind.
    fn capture(&self, rng: &mut fastrand::Rng, stats: &Stats) -> anyhow::Result<()> {
        let campaigns = self.campaigns()?;
        let Some(&campaign_id) = campaigns.get(rng.usize(..campaigns.len().max(1))) else { return Ok(()) };
        let (uuid, table) = match self.person.kind {
            Kind::Driver if rng.u8(..10) < 8 => {
                (self.store.save_expense(None, &self.expense(rng, campaign_id)?)?, PushTable::Expenses)
            }
            Kind::Driver => (self.store.save_report(None, &self.report(rng, campaign_id)?)?, PushTable::Reports),
            Kind::Promoter => {
                (self.store.save_activity(None, &self.activity(rng, campaign_id)?)?, PushTable::PromoterActivities)
            }
        };
        self.note_made(uuid, table);
        stats.add(&stats.captures, 1);
        Ok(())
    }

    /// An edit of one of its captures (refused by the phone itself when the office reviewed it).
    fn edit(&self, rng: &mut fastrand::Rng, stats: &Stats) -> anyhow::Result<()> {
        let Some((uuid, table)) = self.pick(rng) else { return Ok(()) };
        let Some(local) = self.store.capture(uuid)? else { return Ok(()) };
        if local.deleted {
            return Ok(());
        }
        let saved = match table {
            PushTable::Expenses => local.expense().map(|mut e| {
                e.description = Some(format!("edited {}", rng.u32(..1_000_000)));
                self.store.save_expense(Some(uuid), &e)
            }),
            PushTable::PromoterActivities => local.activity().map(|mut a| {
                a.people_attended = Some(i64::from(rng.u16(5..400)));
                self.store.save_activity(Some(uuid), &a)
            }),
            PushTable::Reports => local.report().map(|mut r| {
                r.notes = Some(format!("edited {}", rng.u32(..1_000_000)));
                self.store.save_report(Some(uuid), &r)
            }),
        };
        if let Some(Ok(_)) = saved {
            stats.add(&stats.edits, 1);
        }
        Ok(())
    }

    /// Deletes one of its captures; one that never left the phone is withdrawn outright.
    fn delete(&self, rng: &mut fastrand::Rng, stats: &Stats) -> anyhow::Result<()> {
        let Some((uuid, _)) = self.pick(rng) else { return Ok(()) };
        match self.store.capture(uuid)? {
            Some(local) if !local.deleted => {}
            _ => return Ok(()),
        }
        if self.store.delete_capture(uuid).is_ok() {
            stats.add(&stats.deletes, 1);
            if self.store.capture(uuid)?.is_none()
                && let Ok(mut withdrawn) = self.withdrawn.lock()
            {
                withdrawn.insert(uuid);
            }
        }
        Ok(())
    }

    fn pick(&self, rng: &mut fastrand::Rng) -> Option<(Uuid, PushTable)> {
        let made = self.made.lock().ok()?;
        made.get(rng.usize(..made.len().max(1))).copied()
    }

    /// Lives until `until`: captures, edits, deletes, syncs through `server`, and goes out of
    /// signal now and then.
    pub async fn live(
        self: Arc<Self>,
        server: String,
        until: Instant,
        seed: u64,
        think_ms: (u64, u64),
        stats: Arc<Stats>,
    ) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut offline_until: Option<Instant> = None;
        while Instant::now() < until {
            tokio::time::sleep(rng_duration(&mut rng, think_ms.0, think_ms.1)).await;
            if let Some(back) = offline_until
                && Instant::now() >= back
            {
                offline_until = None;
                let _ = self.point_at(&server);
            }
            let roll = rng.u8(..100);
            let outcome = match roll {
                0..=49 => self.capture(&mut rng, &stats),
                50..=61 => self.edit(&mut rng, &stats),
                62..=64 => self.delete(&mut rng, &stats),
                65..=66 if offline_until.is_none() => {
                    offline_until = Some(Instant::now() + rng_duration(&mut rng, 1000, 8000));
                    stats.add(&stats.offline_spells, 1);
                    self.point_at(NOWHERE)
                }
                _ => {
                    let synced = self.engine.sync_now().await;
                    stats.add(if synced.is_ok() { &stats.syncs_ok } else { &stats.syncs_failed }, 1);
                    Ok(())
                }
            };
            if let Err(error) = outcome {
                stats.add(&stats.phone_errors, 1);
                tracing_free_log(&format!("{}: {error}", self.person.email));
            }
        }
        let _ = self.point_at(&server);
    }
}

/// Prints a line to stderr when `SIM_VERBOSE` is set.
pub fn tracing_free_log(line: &str) {
    if std::env::var_os("SIM_VERBOSE").is_some() {
        eprintln!("sim: {line}");
    }
}
