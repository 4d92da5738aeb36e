//! The route table: every route the server answers, each with the description the OpenAPI
//! document is made from. The router and `GET /api/v1/openapi.json` are both built from this one
//! list, so a route cannot exist undocumented.

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use serde_json::{Value, json};

use crate::state::AppState;

/// One method on one path, its handler and its description.
#[derive(Debug)]
pub struct Route {
    /// GET, POST, ...
    pub method: Method,
    /// The path as axum writes it (`/api/v1/expenses/{id}`).
    pub path: String,
    /// What answers.
    pub handler: MethodRouter<AppState>,
    /// What the document says about it.
    pub doc: Doc,
}

/// The description of one operation.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// One line.
    pub summary: String,
    /// Group in the document.
    pub tag: String,
    /// Whether a bearer token is needed.
    pub auth: bool,
    /// OpenAPI parameter objects besides the path's own.
    pub params: Vec<Value>,
    /// The JSON schema of the request body, if there is one.
    pub request: Option<Value>,
    /// (status, description, JSON schema of the body if any).
    pub responses: Vec<(u16, String, Option<Value>)>,
}

impl Route {
    /// A route that needs a bearer token, answering `status` with `schema` when all goes well.
    pub fn new(
        method: Method,
        path: impl Into<String>,
        handler: MethodRouter<AppState>,
        tag: &str,
        summary: &str,
    ) -> Self {
        Route {
            method,
            path: path.into(),
            handler,
            doc: Doc { summary: summary.to_owned(), tag: tag.to_owned(), auth: true, ..Doc::default() },
        }
    }

    /// No token needed.
    #[must_use]
    pub fn public(mut self) -> Self {
        self.doc.auth = false;
        self
    }

    /// The request body's schema.
    #[must_use]
    pub fn body(mut self, schema: Value) -> Self {
        self.doc.request = Some(schema);
        self
    }

    /// A query parameter.
    #[must_use]
    pub fn query(mut self, name: &str, schema: Value, description: &str) -> Self {
        let mut param = json!({"name": name, "in": "query", "required": false, "description": description});
        param["schema"] = schema;
        self.doc.params.push(param);
        self
    }

    /// An answer.
    #[must_use]
    pub fn answers(mut self, status: u16, description: &str, schema: Option<Value>) -> Self {
        self.doc.responses.push((status, description.to_owned(), schema));
        self
    }

    /// Error answers, each with the error body.
    #[must_use]
    pub fn errors(mut self, statuses: &[u16]) -> Self {
        for status in statuses {
            let schema = json!({"$ref": "#/components/schemas/Error"});
            self.doc.responses.push((*status, error_description(*status).to_owned(), Some(schema)));
        }
        self
    }
}

fn error_description(status: u16) -> &'static str {
    match status {
        400 => "Bad request (malformed JSON, invalid query, unsupported protocol)",
        401 => "Not signed in, or the session ended",
        403 => "The role may not do this, or may not write a field",
        404 => "No such row, or not one this user may see",
        409 => "The row's state does not allow this",
        410 => "The cursor has expired",
        413 => "The body is too large",
        415 => "The body is not JSON",
        422 => "Fields failed validation (details.fields)",
        429 => "Too many attempts (Retry-After)",
        503 => "The database is unreachable, or the server is busy (Retry-After)",
        _ => "Error",
    }
}

/// The router made from `routes`.
pub fn router(routes: Vec<Route>, state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes {
        router = router.route(&route.path, route.handler);
    }
    router.with_state(state)
}
