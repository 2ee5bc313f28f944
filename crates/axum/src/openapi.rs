//! The OpenAPI 3.1 document: paths written here, every schema generated from the types
//! (`schemars`, JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).

use partnerkit::AccountCommand;
use partnerkit::access::Permission;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::actor::SecurityScheme;
use crate::problem::{PROBLEM_JSON, Problem};
use crate::routes::{
    AuthorizeBody, ExecutedBody, HistoryBody, ReadinessBody, StateBody, StatementsBody,
    StatementsRequest,
};

/// The account id the document's examples use.
pub const EXAMPLE_ACCOUNT: &str = "11111111-1111-4111-8111-111111111111";

/// What each error status means, for the responses of the operations that can give it.
fn error_response(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => (
            "400",
            "The request cannot be read: an account id that is not a UUID (`bad_account_id`), a body that is not JSON (`bad_json`), an unknown command `type` (`unknown_command`), a malformed `If-Match` (`bad_if_match`), a missing or unknown permission (`missing_permission`, `unknown_permission`).",
        ),
        401 => ("401", "No signed-in actor (`no_actor`)."),
        403 => (
            "403",
            "Denied (rule X-2): the actor cannot sign in to the account (`cannot_sign_in`, also for an account that does not exist), or lacks the permission (`permission`); `reason` explains (rule ROL-6).",
        ),
        404 => (
            "404",
            "No such account (`account_not_found`), told to the marketplace only; anyone else gets 403 `cannot_sign_in`.",
        ),
        409 => (
            "409",
            "The account changed meanwhile, again on each retry (`conflict`, with `expected` and `actual`): call again; or it is already open (`account_exists`).",
        ),
        412 => (
            "412",
            "`If-Match` named a version the account is no longer at (`conflict`, with `expected` and `actual`): read it again, decide again; or it was empty, naming no version (`no_version`).",
        ),
        413 => ("413", "The body is too large (`body_too_large`)."),
        422 => (
            "422",
            "The body does not fit the schema (`invalid_command`, `invalid_request`, `bad_month_range`), or a rule refused it (the domain's code, e.g. `last_manager`; `reason` names the domain).",
        ),
        _ => (
            "503",
            "The store failed; nothing was stored (`store`). Details are in the server's log only.",
        ),
    }
}

/// Sets `key` of a JSON object (`value` is always one here).
fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

fn responses(ok: &str, ok_schema: Value, etag: bool, errors: &[u16]) -> Value {
    let mut map = Map::new();
    let mut success = json!({
        "description": ok,
        "content": { "application/json": { "schema": ok_schema } },
    });
    if etag {
        set(
            &mut success,
            "headers",
            json!({
                "ETag": {
                    "description": "The account's version, as a strong entity tag: send it back in `If-Match`.",
                    "required": true,
                    "schema": { "type": "string", "pattern": "^\"[0-9]+\"$" },
                }
            }),
        );
    }
    map.insert("200".to_owned(), success);
    for status in errors {
        let (code, description) = error_response(*status);
        map.insert(
            code.to_owned(),
            json!({
                "description": description,
                "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } },
            }),
        );
    }
    Value::Object(map)
}

fn account_id() -> Value {
    json!({
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The account id, a UUID in its hyphenated form.",
        "schema": { "type": "string", "format": "uuid" },
        "example": EXAMPLE_ACCOUNT,
    })
}

fn operation(
    id: &str,
    summary: &str,
    description: &str,
    parameters: Vec<Value>,
    responses: Value,
) -> Value {
    json!({
        "operationId": id,
        "tags": ["accounts"],
        "summary": summary,
        "description": description,
        "parameters": parameters,
        "responses": responses,
    })
}

/// A statements request's entries may leave out `payable_in` (the host fills it from its
/// policy, [`StatementsRequest`]): their schema is `LedgerEntry`'s without that requirement,
/// as `LedgerEntryInput`. Entries the host answers with keep `LedgerEntry`.
fn entries_without_their_month(schemas: &mut Map<String, Value>) {
    let Some(mut input) = schemas.get("LedgerEntry").cloned() else {
        return;
    };
    if let Some(required) = input.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r != "payable_in");
    }
    set(
        &mut input,
        "description",
        json!(
            "A ledger entry as a statements request gives it: `payable_in` may be left out, and the host gives the month its payout policy gives the entry's source and date (rule PAY-8)."
        ),
    );
    schemas.insert("LedgerEntryInput".into(), input);
    if let Some(items) = schemas
        .get_mut("StatementsRequest")
        .and_then(|r| r.pointer_mut("/properties/entries/items"))
    {
        *items = json!({ "$ref": "#/components/schemas/LedgerEntryInput" });
    }
}

/// The OpenAPI 3.1 document for the routes of [`Host::router`](crate::Host::router), with
/// `scheme` as the way callers authenticate.
pub fn document(scheme: &SecurityScheme) -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
    });
    let mut generator = SchemaGenerator::new(settings);
    let command = generator.subschema_for::<AccountCommand>().to_value();
    let executed = generator.subschema_for::<ExecutedBody>().to_value();
    let state = generator.subschema_for::<StateBody>().to_value();
    let history = generator.subschema_for::<HistoryBody>().to_value();
    let readiness = generator.subschema_for::<ReadinessBody>().to_value();
    let statements_request = generator.subschema_for::<StatementsRequest>().to_value();
    let statements = generator.subschema_for::<StatementsBody>().to_value();
    let authorize = generator.subschema_for::<AuthorizeBody>().to_value();
    let permission = generator.subschema_for::<Permission>().to_value();
    generator.subschema_for::<Problem>();
    let mut schemas: Map<String, Value> = generator.take_definitions(true);
    entries_without_their_month(&mut schemas);

    let execute = execute_operation(command, executed);
    let statements_op = statements_operation(statements_request, statements);
    let mut security_schemes = Map::new();
    security_schemes.insert(scheme.name.clone(), scheme.definition.clone());
    let components = json!({
        "schemas": schemas,
        "securitySchemes": security_schemes,
    });

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "partnerkit",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A publisher's marketplace account behind HTTP (partnerkit-axum): commands, reads on behalf of the signed-in actor, authorize, payout statements. Errors are RFC 9457 problem details (`application/problem+json`) with partnerkit's stable `code`.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" },
        },
        "security": [ { (scheme.name.clone()): [] } ],
        "tags": [ { "name": "accounts", "description": "One publisher account." } ],
        "paths": {
            "/accounts/{id}/commands": { "post": execute },
            "/accounts/{id}": { "get": operation(
                "state",
                "The account's state",
                "The account as the actor may see it (the data classes its permissions cover, never a credential verifier: rule X-8), and its version (also in `ETag`). Needs `manage_users`.",
                vec![account_id()],
                responses("The state and its version.", state, true, &[400, 401, 403, 404, 503]),
            ) },
            "/accounts/{id}/history": { "get": operation(
                "history",
                "The account's events",
                "Who did what when (rule X-1), oldest first, the data classes the actor may see (rule X-8). Needs `manage_users`.",
                vec![account_id()],
                responses("The events and the version.", history, true, &[400, 401, 403, 404, 503]),
            ) },
            "/accounts/{id}/readiness": { "get": operation(
                "readiness",
                "May the account sell",
                "What is missing before the account may list paid offers (rule ACC-4). Needs `view_account_settings`.",
                vec![account_id()],
                responses("What is missing.", readiness, false, &[400, 401, 403, 404, 503]),
            ) },
            "/accounts/{id}/statements": { "post": statements_op },
            "/accounts/{id}/authorize": { "get": operation(
                "authorize",
                "May the signed-in actor do this",
                "The explained decision on `permission` for the signed-in actor: the same answer a command needing it gets (rule ROL-7). An actor who cannot sign in is denied (403).",
                vec![account_id(), permission_query(permission)],
                responses("The explained decision.", authorize, false, &[400, 401, 403, 404, 503]),
            ) },
        },
        "components": components,
    })
}

/// The `If-Match` header parameter of a command.
fn if_match_header() -> Value {
    json!({
        "name": "If-Match",
        "in": "header",
        "required": false,
        "description": "The account version the caller decided on, as the `ETag` of a read gave it (`\"7\"`): the command is stored only if the account is still at it, else 412. `*`: no check. Empty: a list of no versions (RFC 9110 §13.1.1), which nothing matches: 412 `no_version`.",
        "schema": { "type": "string", "pattern": "^(\\*|\"[0-9]{1,19}\")?$" },
        "example": "\"2\"",
    })
}

/// The `permission` query parameter of `authorize`, with the permissions' schema.
fn permission_query(permission: Value) -> Value {
    json!({
        "name": "permission",
        "in": "query",
        "required": true,
        "description": "The permission to decide on.",
        "schema": permission,
        "example": "manage_users",
    })
}

/// `POST /accounts/{id}/commands`: a command, tagged by `type`.
fn execute_operation(command: Value, executed: Value) -> Value {
    let mut execute = operation(
        "execute",
        "Run a command",
        "Runs an `AccountCommand`. Only its `type` is read before the actor is authorised for that kind of command (rule X-2): a caller who may not run it gets the same 403 whether its data was valid or not. The response has the stored events, the new version (also in `ETag`) and a generated secret, shown once.",
        vec![account_id(), if_match_header()],
        responses(
            "Executed: the events stored (none for a no-op), the new version, and any generated secret.",
            executed,
            true,
            &[400, 401, 403, 404, 409, 412, 413, 422, 503],
        ),
    );
    set(
        &mut execute,
        "requestBody",
        json!({
            "required": true,
            "description": "An AccountCommand, tagged by `type`.",
            "content": { "application/json": { "schema": command } },
        }),
    );
    execute
}

/// `POST /accounts/{id}/statements`: the statements of a ledger.
fn statements_operation(request: Value, statements: Value) -> Value {
    let mut statements_op = operation(
        "statements",
        "Payout statements for a ledger",
        "One statement per payout month from `first` to `last` (at most 120 months: else 422 `bad_month_range`), with US withholding joined in (rules PAY-9, TAX-4). Needs `view_financial_reports`; the body is read only after the actor is admitted (rule X-2).",
        vec![account_id()],
        responses(
            "One statement per month, every line explained.",
            statements,
            false,
            &[400, 401, 403, 404, 413, 422, 503],
        ),
    );
    set(
        &mut statements_op,
        "requestBody",
        json!({
            "required": true,
            "content": { "application/json": { "schema": request } },
        }),
    );
    statements_op
}

/// The document as served at `/openapi.json`: pretty JSON with a final newline.
pub fn document_text(scheme: &SecurityScheme) -> String {
    match serde_json::to_string_pretty(&document(scheme)) {
        Ok(text) => text + "\n",
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Validators of the request bodies against the document's schemas: a body is read only if it
/// is what the document says (serde alone would accept more, e.g. a variant's index for a
/// tag), so the document is exactly the API.
pub(crate) struct BodySchemas {
    /// One per command kind, by its `type`: an error names the field, not just "no variant".
    commands: std::collections::HashMap<String, jsonschema::Validator>,
    statements: jsonschema::Validator,
}

impl std::fmt::Debug for BodySchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BodySchemas")
    }
}

impl BodySchemas {
    /// The validators, from the document's components.
    pub(crate) fn new() -> Option<BodySchemas> {
        let doc = document(&SecurityScheme::api_key_header("", "", ""));
        let components = doc.get("components")?;
        let validator = |mut schema: Value| {
            set(&mut schema, "components", components.clone());
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| tracing::error!(error = %e, "a body schema does not compile"))
                .ok()
        };
        let mut commands = std::collections::HashMap::new();
        let variants = components
            .pointer("/schemas/AccountCommand/oneOf")?
            .as_array()?;
        for variant in variants {
            let kind = variant
                .pointer("/properties/type/const")?
                .as_str()?
                .to_owned();
            commands.insert(kind, validator(variant.clone())?);
        }
        Some(BodySchemas {
            commands,
            statements: validator(json!({ "$ref": "#/components/schemas/StatementsRequest" }))?,
        })
    }

    fn check(validator: &jsonschema::Validator, body: &Value) -> Result<(), String> {
        validator
            .validate(body)
            .map_err(|e| format!("at `{}`: {e}", e.instance_path))
    }

    /// Does `body` fit the command of `kind` (its `type`)? If not, where and why not.
    pub(crate) fn command(&self, kind: &str, body: &Value) -> Result<(), String> {
        match self.commands.get(kind) {
            Some(validator) => Self::check(validator, body),
            None => Err(format!("no schema for {kind}")),
        }
    }

    /// Does `body` fit `StatementsRequest`?
    pub(crate) fn statements(&self, body: &Value) -> Result<(), String> {
        Self::check(&self.statements, body)
    }
}
