//! Logs: `tracing` to standard error, filtered by `RUST_LOG` or the configured level, and one line
//! per HTTP request with its method, path, status and latency.

use std::io::IsTerminal;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// Starts logging; `default_filter` applies when `RUST_LOG` is unset. Safe to call twice.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

type MakeSpan = fn(&Request<Body>) -> Span;
type OnRequest = ();
type OnResponse = fn(&Response<Body>, Duration, &Span);

/// The layer that writes one line per request.
pub fn request_log_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, MakeSpan, OnRequest, OnResponse> {
    TraceLayer::new_for_http()
        .make_span_with(make_span as MakeSpan)
        .on_request(())
        .on_response(on_response as OnResponse)
}

fn make_span(request: &Request<Body>) -> Span {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), id = %request_id)
}

fn on_response(response: &Response<Body>, latency: Duration, _span: &Span) {
    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "served");
}
