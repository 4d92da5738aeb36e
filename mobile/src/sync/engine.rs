//! The sync engine: push the outbox in batches, pull until the server has nothing more, then
//! upload photos, one sync at a time. Connection failures and server faults are retried with
//! exponential backoff and jitter; other refusals are not. An expired access token is refreshed
//! once per request. The state goes to a watch channel the sync bar reads.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use shared_model::error::codes;
use shared_model::protocol::{MediaState, PushRequest, SessionResponse, SessionUser};
use tokio::sync::{Mutex, Notify, watch};

use super::client::Client;
use super::status::{Activity, Stage, SyncStatus};
use crate::store::{LocalPhoto, Session, Store};
use crate::{Error, Result};

/// How the engine paces itself.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Mutations per push.
    pub batch_size: usize,
    /// Changes per pull page.
    pub pull_limit: u32,
    /// Attempts of one request before the sync gives up for now.
    pub attempts: u32,
    /// First retry delay; doubled after each failure, with jitter.
    pub backoff: Duration,
    /// The longest retry delay.
    pub backoff_max: Duration,
    /// Bytes per photo upload request.
    pub chunk: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            batch_size: 100,
            pull_limit: 500,
            attempts: 5,
            backoff: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            chunk: 256 * 1024,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Mutations the server answered.
    pub pushed: u64,
    /// Changes applied from pulls.
    pub pulled: u64,
    /// Photos the server now has whole.
    pub photos: u64,
}

/// The phone's sync engine.
#[derive(Debug)]
pub struct Engine {
    store: Arc<Store>,
    config: EngineConfig,
    status: watch::Sender<SyncStatus>,
    running: Mutex<()>,
    wake: Notify,
}

impl Engine {
    /// An engine over `store`.
    pub fn new(store: Arc<Store>, config: EngineConfig) -> Engine {
        let (status, _) = watch::channel(SyncStatus::default());
        let engine = Engine { store, config, status, running: Mutex::new(()), wake: Notify::new() };
        engine.refresh_counts(None);
        engine
    }

    /// The store it syncs.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The sync state, for the sync bar.
    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    /// Signs in on `server` and keeps the session on the phone.
    pub async fn sign_in(&self, server: &str, email: &str, password: &str) -> Result<SessionUser> {
        let client = Client::new(server)?;
        let answer = client.login(email, password, self.store.device_id()).await?;
        let session = self.session_of(client.base(), answer);
        self.store.set_session(&session)?;
        self.status.send_modify(|s| {
            if s.activity == Activity::SignedOut {
                s.activity = Activity::Idle;
            }
        });
        Ok(session.user)
    }

    fn session_of(&self, server: &str, answer: SessionResponse) -> Session {
        let lifetime = i64::try_from(answer.expires_in).unwrap_or(0).saturating_sub(60).max(0);
        Session {
            server: server.to_owned(),
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
            access_expires_at: self.store.wall_now() + chrono::Duration::seconds(lifetime),
            user: answer.user,
        }
    }

    /// Asks the background loop for a sync now (after a capture, or "Sync now"); the counts of
    /// what waits are brought up to date at once.
    pub fn request_sync(&self) {
        self.refresh_status();
        self.wake.notify_one();
    }

    /// Recounts the captures and photos waiting, for a status read now.
    pub fn refresh_status(&self) {
        self.refresh_counts(None);
    }

    /// Syncs on start, whenever asked, and every `every`, until the engine is dropped.
    pub async fn run(self: Arc<Self>, every: Duration) {
        loop {
            // Failures are already in the status; the next round tries again.
            let _ = self.sync_now().await;
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = self.wake.notified() => {}
            }
        }
    }

    /// One whole sync: push, pull, photos. A second call waits for the first to finish.
    pub async fn sync_now(&self) -> Result<SyncReport> {
        let _one_at_a_time = self.running.lock().await;
        let outcome = self.sync_once().await;
        let activity = match &outcome {
            Ok(_) => Activity::Idle,
            Err(Error::SignedOut) => Activity::SignedOut,
            Err(Error::Offline(_)) => Activity::Offline,
            Err(e) => Activity::Error(e.to_string()),
        };
        if outcome.is_ok() {
            self.store.set_last_success(self.store.wall_now())?;
        }
        let error = outcome.as_ref().err().map(ToString::to_string);
        self.refresh_counts(Some(activity));
        self.status.send_modify(|s| s.last_error = error);
        outcome
    }

    fn refresh_counts(&self, activity: Option<Activity>) {
        let (records, photos) = self.store.waiting().unwrap_or_default();
        let last = self.store.last_success().ok().flatten();
        self.status.send_modify(|s| {
            s.waiting_records = records;
            s.waiting_photos = photos;
            s.last_success = last;
            if let Some(activity) = activity {
                s.activity = activity;
            }
        });
    }

    fn progress(&self, stage: Stage, done: u64, total: u64) {
        self.refresh_counts(Some(Activity::Syncing { stage, done, total }));
    }

    async fn sync_once(&self) -> Result<SyncReport> {
        let Some(session) = self.store.session()? else { return Err(Error::SignedOut) };
        let client = Client::new(&session.server)?;
        let mut report = SyncReport::default();
        self.push_all(&client, &mut report).await?;
        self.pull_all(&client, &mut report).await?;
        self.upload_photos(&client, &mut report).await?;
        Ok(report)
    }

    async fn push_all(&self, client: &Client, report: &mut SyncReport) -> Result<()> {
        let total = self.store.waiting()?.0;
        loop {
            let batch = self.store.next_batch(self.config.batch_size)?;
            if batch.is_empty() {
                return Ok(());
            }
            self.progress(Stage::Pushing, report.pushed, total);
            let request = &PushRequest { device_id: self.store.device_id(), mutations: batch };
            let answer = self.authorized(client, |token| async move { client.push(&token, request).await }).await?;
            self.store.observe_server_time(answer.server_time)?;
            self.store.apply_results(&request.mutations, &answer.results)?;
            report.pushed += answer.results.len() as u64;
        }
    }

    async fn pull_all(&self, client: &Client, report: &mut SyncReport) -> Result<()> {
        loop {
            let cursor = self.store.cursor()?;
            self.progress(Stage::Pulling, report.pulled, 0);
            let limit = self.config.pull_limit;
            let page = self
                .authorized(client, |token| {
                    let cursor = cursor.clone();
                    async move { client.pull(&token, cursor.as_deref(), limit).await }
                })
                .await;
            let page = match page {
                Err(Error::Server { status: 410, .. }) => {
                    // The feed was pruned past the cursor: start over, keeping unsynced captures.
                    self.store.reset_cursor()?;
                    continue;
                }
                other => other?,
            };
            self.store.apply_pull_page(&page.changes, &page.cursor)?;
            self.store.observe_server_time(page.server_time)?;
            report.pulled += page.changes.len() as u64;
            if !page.has_more {
                return Ok(());
            }
        }
    }

    async fn upload_photos(&self, client: &Client, report: &mut SyncReport) -> Result<()> {
        for photo in self.store.photos_to_upload()? {
            match self.upload(client, &photo).await {
                Ok(()) => report.photos += 1,
                // Only the protocol's refusals of the photo itself are final (too large, not an
                // image, bytes that do not match their hash); any other answer keeps it waiting.
                Err(Error::Server { status: 413 | 422, error }) => {
                    self.store.photo_refused(&photo.sha256, &error)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Sends one photo from where the server's copy ends; a cut upload resumes there.
    async fn upload(&self, client: &Client, photo: &LocalPhoto) -> Result<()> {
        let bytes = tokio::fs::read(&photo.path).await?;
        let total = bytes.len() as u64;
        let sha = photo.sha256.as_str();
        let status = self.authorized(client, |token| async move { client.media_status(&token, sha).await }).await?;
        if status.state == MediaState::Complete {
            return self.store.set_photo_received(sha, total, true);
        }
        let mut offset = status.received.min(total);
        loop {
            self.progress(Stage::Uploading, offset, total);
            let end = (offset as usize).saturating_add(self.config.chunk).min(bytes.len());
            let chunk = bytes.get(offset as usize..end).unwrap_or_default().to_vec();
            let sent = self
                .authorized(client, |token| {
                    let chunk = chunk.clone();
                    async move { client.media_put(&token, sha, offset, total, chunk).await }
                })
                .await;
            match sent {
                Ok(answer) if answer.state == MediaState::Complete => {
                    return self.store.set_photo_received(sha, total, true);
                }
                Ok(answer) => offset = answer.received.unwrap_or(end as u64),
                Err(Error::Server { status: 409, error }) if error.code == codes::OFFSET_MISMATCH => {
                    offset =
                        error.details.as_ref().and_then(|d| d.get("received")).and_then(|r| r.as_u64()).unwrap_or(0);
                }
                Err(e) => return Err(e),
            }
            self.store.set_photo_received(sha, offset, false)?;
        }
    }

    /// Runs a request with the session's access token: refreshes it first when it has expired,
    /// and once more when the server says it has; retries connection failures and server faults.
    async fn authorized<T, F, Fut>(&self, client: &Client, request: F) -> Result<T>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut session = self.store.session()?.ok_or(Error::SignedOut)?;
        if session.access_expires_at <= self.store.wall_now() {
            session = self.refresh(client, &session).await?;
        }
        match self.retrying(|| request(session.access_token.clone())).await {
            Err(Error::Server { status: 401, .. }) => {
                let session = self.refresh(client, &session).await?;
                self.retrying(|| request(session.access_token.clone())).await
            }
            other => other,
        }
    }

    async fn refresh(&self, client: &Client, session: &Session) -> Result<Session> {
        match self.retrying(|| client.refresh(&session.refresh_token)).await {
            Ok(answer) => {
                let fresh = self.session_of(&session.server, answer);
                self.store.set_session(&fresh)?;
                Ok(fresh)
            }
            Err(Error::Server { status: 401, .. }) => Err(Error::SignedOut),
            Err(e) => Err(e),
        }
    }

    /// Tries a request up to `attempts` times while it fails in a way that may pass.
    async fn retrying<T, F, Fut>(&self, request: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match request().await {
                Err(e) if e.is_transient() && attempt < self.config.attempts => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                outcome => return outcome,
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        backoff_delay(&self.config, attempt, fastrand::f64())
    }
}

/// The wait before retry number `attempt` (1 = the first retry): the base delay doubled per
/// attempt up to the maximum, then scaled by `jitter` (0..1) into its upper half, so that phones
/// that lost signal together do not come back together.
fn backoff_delay(config: &EngineConfig, attempt: u32, jitter: f64) -> Duration {
    let step = config.backoff.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(config.backoff_max);
    step.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_maximum_with_jitter_in_the_upper_half() {
        let config = EngineConfig::default();
        let full = |attempt| backoff_delay(&config, attempt, 1.0);
        assert_eq!(full(1), Duration::from_millis(500));
        assert_eq!(full(2), Duration::from_secs(1));
        assert_eq!(full(3), Duration::from_secs(2));
        assert_eq!(full(20), Duration::from_secs(30), "capped");
        assert_eq!(backoff_delay(&config, 3, 0.0), Duration::from_secs(1), "jitter takes at most half off");
        assert!(backoff_delay(&config, 3, 0.3) < backoff_delay(&config, 3, 0.7));
    }
}
