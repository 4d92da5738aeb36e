//! The OpenAPI 3.1 document, made from the route table and the tables' column lists.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::routes::Doc;
use crate::db::records::{Access, Kind, TableSpec};

/// The JSON schema of one column kind.
pub fn kind_schema(kind: Kind) -> Value {
    match kind {
        Kind::Int => json!({"type": "integer", "format": "int64"}),
        Kind::Float => json!({"type": "number"}),
        Kind::Text => json!({"type": "string"}),
        Kind::Enum(values) => json!({"type": "string", "enum": values}),
        Kind::Money => json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$", "examples": ["1250.50"]}),
        Kind::Date => json!({"type": "string", "format": "date"}),
        Kind::DateTime => json!({"type": "string", "format": "date-time"}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::Uuid => json!({"type": "string", "format": "uuid"}),
        Kind::Json => json!({}),
    }
}

fn nullable(schema: Value) -> Value {
    let mut either = Map::new();
    either.insert("oneOf".into(), Value::Array(vec![schema, json!({"type": "null"})]));
    Value::Object(either)
}

/// The schema of a whole row of a table.
pub fn row_schema(spec: &TableSpec) -> Value {
    let mut properties = Map::new();
    properties.insert("id".into(), kind_schema(Kind::Int));
    for column in spec.columns.iter().filter(|c| c.access != Access::Hidden) {
        let mut schema = nullable(kind_schema(column.kind));
        if column.access == Access::Server {
            schema["readOnly"] = Value::Bool(true);
        }
        properties.insert(column.name.into(), schema);
    }
    properties.insert("is_active".into(), kind_schema(Kind::Bool));
    properties.insert("created_at".into(), kind_schema(Kind::DateTime));
    properties.insert("updated_at".into(), kind_schema(Kind::DateTime));
    json!({"type": "object", "properties": properties, "required": ["id", "is_active", "created_at", "updated_at"]})
}

/// The schema of the body that creates or changes a row: its field columns and `extras`.
pub fn write_schema(spec: &TableSpec, extras: &[(&str, Value)]) -> Value {
    let mut properties = Map::new();
    for column in spec.fields() {
        properties.insert(column.name.into(), nullable(kind_schema(column.kind)));
    }
    for (name, schema) in extras {
        properties.insert((*name).into(), schema.clone());
    }
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

/// The error body of every failure.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable, snake_case"},
                "message": {"type": "string"},
                "details": {"type": "object"}
            }
        }}
    })
}

/// The document for `routes` (method in lower case, path, description).
pub fn document(routes: &[(String, String, Doc)]) -> Value {
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (method, path, doc) in routes {
        let mut parameters: Vec<Value> = path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| {
                let schema = if name == "id" {
                    json!({"type": "integer", "format": "int64"})
                } else {
                    json!({"type": "string", "pattern": "^[0-9a-f]{64}$"})
                };
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        parameters.extend(doc.params.iter().cloned());
        let mut responses = Map::new();
        for (status, description, schema) in &doc.responses {
            let mut response = json!({"description": description});
            if let Some(schema) = schema {
                response["content"] = json!({"application/json": {"schema": schema}});
            }
            responses.insert(status.to_string(), response);
        }
        let mut operation = json!({
            "summary": doc.summary,
            "tags": [doc.tag],
            "operationId": format!("{method}{}", path.replace(['/', '{', '}', '-'], "_")),
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(schema) = &doc.request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema}}});
        }
        if doc.auth {
            operation["security"] = json!([{"bearer": []}]);
        }
        paths.entry(path.clone()).or_default().insert(method.clone(), operation);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Fleet Operations Platform API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "REST API v1 and phone sync of the Fleet Operations Platform. Errors always have the body of components.schemas.Error."
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": error_schema()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
        }
    })
}
