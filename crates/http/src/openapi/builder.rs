//! The vocabulary the OpenAPI operations are written in: small schema builders, the shared
//! responses, and [`Op`], an operation with the responses every operation of its kind shares
//! (see the statuses listed in `operations.rs`).

use super::{BEARER_SCHEME, COOKIE_SCHEME};
use serde_json::Value;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Required};
use utoipa::{IntoParams, ToSchema};

/// Registers `T`'s schema and every schema it refers to, for the components.
pub(crate) fn collect<T: ToSchema>(into: &mut Vec<(String, RefOr<Schema>)>) {
    into.push((T::name().into_owned(), T::schema()));
    T::schemas(into);
}

pub(crate) const JSON: &str = "application/json";
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// Shared responses, referred to by name from the operations.
pub(crate) const TOO_MANY: &str = "TooManyRequests";
pub(crate) const INTERNAL: &str = "InternalError";
pub(crate) const UNAVAILABLE: &str = "ServiceUnavailable";
pub(crate) const TOO_LARGE: &str = "PayloadTooLarge";
pub(crate) const MEDIA_TYPE: &str = "UnsupportedMediaType";
pub(crate) const UNAUTHORIZED: &str = "Unauthorized";

// ----- small schema vocabulary -------------------------------------------------------------

pub(crate) fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

pub(crate) fn boolean() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Boolean)
}

/// `true` and nothing else, as in `{status: true}`.
pub(crate) fn always_true() -> ObjectBuilder {
    boolean().enum_values(Some([true]))
}

pub(crate) fn nullable(kind: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Array(vec![kind, Type::Null]))
}

pub(crate) fn email() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
}

pub(crate) fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

/// An object; `fields` are `(name, required, schema)`.
pub(crate) fn object(description: &str, fields: Vec<(&str, bool, RefOr<Schema>)>) -> RefOr<Schema> {
    let mut builder = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description));
    for (name, required, schema) in fields {
        builder = builder.property(name, schema);
        if required {
            builder = builder.required(name);
        }
    }
    builder.into()
}

pub(crate) fn described(builder: ObjectBuilder, description: &str) -> RefOr<Schema> {
    builder.description(Some(description)).into()
}

// ----- responses ---------------------------------------------------------------------------

pub(crate) fn error_content(schema: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(schema_ref(schema)))
        .build()
}

pub(crate) fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

/// An error response with the `{message, code}` body.
pub(crate) fn error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(JSON, error_content("Error"))
        .build()
}

/// An error response whose body may lack `code`.
pub(crate) fn message_error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(JSON, error_content("MessageError"))
        .build()
}

/// The responses many operations share, by name.
pub(crate) fn shared_responses() -> Vec<(&'static str, Response)> {
    vec![
        (
            TOO_MANY,
            ResponseBuilder::new()
                .description(
                    "Too many requests: the rate limit (when enabled; 100 per 10 s, 3 per \
                     10 s on sign-in, sign-up, change-password and change-email) or, on \
                     routes that check a password, the per-account throttle after 10 wrong \
                     passwords. The body has no `code`.",
                )
                .content(JSON, error_content("MessageError"))
                .header(
                    "X-Retry-After",
                    HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(0)),
                        )
                        .description(Some("Seconds until the client may try again"))
                        .build(),
                )
                .build(),
        ),
        (
            INTERNAL,
            error("`INTERNAL_SERVER_ERROR`: a bug; the details are logged"),
        ),
        (
            UNAVAILABLE,
            error("`SERVICE_UNAVAILABLE`: the database cannot be reached right now"),
        ),
        (
            TOO_LARGE,
            error("`PAYLOAD_TOO_LARGE`: the body is past `MAX_BODY_BYTES`"),
        ),
        (
            MEDIA_TYPE,
            error("`UNSUPPORTED_MEDIA_TYPE`: a non-empty body that is not JSON (or form)"),
        ),
        (
            UNAUTHORIZED,
            error("`UNAUTHORIZED`: no valid session cookie or bearer token"),
        ),
    ]
}

/// A response with no body.
pub(crate) fn empty(description: &str) -> Response {
    ResponseBuilder::new().description(description).build()
}

pub(crate) fn shared(name: &str) -> RefOr<Response> {
    RefOr::Ref(Ref::from_response_name(name))
}

pub(crate) fn ok_json(description: &str, schema: RefOr<Schema>) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(JSON, json_content(schema))
        .build()
}

pub(crate) fn header(description: &str) -> utoipa::openapi::Header {
    HeaderBuilder::new()
        .schema(string())
        .description(Some(description))
        .build()
}

pub(crate) fn set_cookie() -> utoipa::openapi::Header {
    header(
        "The session cookie, the `session_data` cookie cache and `dont_remember` are set or \
         cleared",
    )
}

pub(crate) fn set_auth_token() -> utoipa::openapi::Header {
    header(
        "The session token for `Authorization: Bearer` (`token.signature`); present whenever \
         a session is opened",
    )
}

pub(crate) fn redirect(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .header("Location", header("The target URL"))
        .header("Set-Cookie", set_cookie())
        .build()
}

// ----- operations --------------------------------------------------------------------------

/// What an operation is built from, before the shared parts are added.
pub(crate) struct Op {
    method: HttpMethod,
    path: &'static str,
    builder: OperationBuilder,
    /// It reads the database (adds 503).
    store: bool,
    /// It reads a JSON body (adds 400, 413, 415).
    body: bool,
}

impl Op {
    pub(crate) fn new(
        method: HttpMethod,
        path: &'static str,
        id: &str,
        tag: &str,
        summary: &str,
    ) -> Self {
        let builder = OperationBuilder::new()
            .operation_id(Some(id))
            .tag(tag)
            .summary(Some(summary));
        Self {
            method,
            path,
            builder,
            store: true,
            body: false,
        }
    }

    pub(crate) fn get(path: &'static str, id: &str, tag: &str, summary: &str) -> Self {
        Self::new(HttpMethod::Get, path, id, tag, summary)
    }

    pub(crate) fn post(path: &'static str, id: &str, tag: &str, summary: &str) -> Self {
        Self::new(HttpMethod::Post, path, id, tag, summary)
    }

    pub(crate) fn description(mut self, text: &str) -> Self {
        self.builder = self.builder.description(Some(text));
        self
    }

    /// No database involved.
    pub(crate) fn static_route(mut self) -> Self {
        self.store = false;
        self
    }

    pub(crate) fn reply(mut self, status: &str, response: impl Into<RefOr<Response>>) -> Self {
        self.builder = self.builder.response(status, response);
        self
    }

    /// The `{message, code}` error for `status`, with the codes it can carry.
    pub(crate) fn error(self, status: &str, description: &str) -> Self {
        self.reply(status, error(description))
    }

    /// A JSON body of the named schema (and form encoding too, when `form` names one). The
    /// example shows a working request on the reference page, and schemathesis sends it
    /// first.
    pub(crate) fn json_body(
        mut self,
        schema: &str,
        required: bool,
        form: Option<&str>,
        example: Value,
    ) -> Self {
        let json = ContentBuilder::new()
            .schema(Some(schema_ref(schema)))
            .example((!example.is_null()).then_some(example))
            .build();
        let mut body = RequestBodyBuilder::new()
            .required(Some(if required {
                Required::True
            } else {
                Required::False
            }))
            .content(JSON, json);
        if let Some(form) = form {
            body = body.content(FORM, json_content(schema_ref(form)));
        }
        self.builder = self.builder.request_body(Some(body.build()));
        self.body = true;
        self
    }

    pub(crate) fn query(
        mut self,
        name: &str,
        required: bool,
        schema: ObjectBuilder,
        text: &str,
    ) -> Self {
        self.builder = self.builder.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(schema))
                .description(Some(text)),
        );
        self
    }

    pub(crate) fn path_param(mut self, name: &str, text: &str) -> Self {
        self.builder = self.builder.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(string()))
                .description(Some(text)),
        );
        self
    }

    /// A session is required: cookie or bearer, and 401 without one.
    pub(crate) fn session(mut self) -> Self {
        self.builder = self
            .builder
            .security(SecurityRequirement::new(
                COOKIE_SCHEME,
                Vec::<String>::new(),
            ))
            .security(SecurityRequirement::new(
                BEARER_SCHEME,
                Vec::<String>::new(),
            ))
            .response("401", shared(UNAUTHORIZED));
        self
    }

    /// A session is required, and a request without one gets `answer` (better-auth's
    /// organization routes differ in how they say so).
    pub(crate) fn session_answering(self, status: &str, answer: Response) -> Self {
        let mut op = self.session();
        op.builder = op.builder.response(status, answer);
        op
    }

    /// A session is read when presented, and the route works without one.
    pub(crate) fn optional_session(mut self) -> Self {
        self.builder = self
            .builder
            .security(SecurityRequirement::default())
            .security(SecurityRequirement::new(
                COOKIE_SCHEME,
                Vec::<String>::new(),
            ))
            .security(SecurityRequirement::new(
                BEARER_SCHEME,
                Vec::<String>::new(),
            ));
        self
    }

    /// No credentials are read.
    pub(crate) fn public(mut self) -> Self {
        self.builder = self
            .builder
            .securities(Some([SecurityRequirement::default()]));
        self
    }

    /// The JSON body of a typed request (its schema registered by [`collect`]).
    pub(crate) fn body_of<T: ToSchema>(self, example: Value) -> Self {
        self.json_body(&T::name(), true, None, example)
    }

    /// The form-encoded body of a typed request (OAuth's token endpoints read no JSON).
    pub(crate) fn form_body_of<T: ToSchema>(mut self, example: Value) -> Self {
        let form = ContentBuilder::new()
            .schema(Some(schema_ref(&T::name())))
            .example(Some(example))
            .build();
        let body = RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(FORM, form);
        self.builder = self.builder.request_body(Some(body.build()));
        self.body = true;
        self
    }

    /// The query parameters of a typed query.
    pub(crate) fn params_of<T: IntoParams>(mut self) -> Self {
        for parameter in T::into_params(|| Some(ParameterIn::Query)) {
            self.builder = self.builder.parameter(parameter);
        }
        self
    }

    /// 200 with a typed answer (its schema registered by [`collect`]).
    pub(crate) fn ok_of<T: ToSchema>(self, description: &str) -> Self {
        self.reply("200", ok_json(description, schema_ref(&T::name())))
    }

    /// 200 with a list of a typed answer.
    pub(crate) fn ok_list_of<T: ToSchema>(self, description: &str) -> Self {
        let list = ArrayBuilder::new().items(schema_ref(&T::name())).into();
        self.reply("200", ok_json(description, list))
    }

    /// 200 with a typed answer or `null`.
    pub(crate) fn ok_or_null_of<T: ToSchema>(self, description: &str) -> Self {
        let either = OneOfBuilder::new()
            .item(schema_ref(&T::name()))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into();
        self.reply("200", ok_json(description, either))
    }

    /// Adds the responses every operation of its kind shares, then builds it.
    pub(crate) fn finish(self) -> (HttpMethod, &'static str, utoipa::openapi::path::Operation) {
        let mut builder = self.builder;
        if self.body {
            builder = builder
                .response("413", shared(TOO_LARGE))
                .response("415", shared(MEDIA_TYPE));
        }
        if self.store {
            builder = builder.response("503", shared(UNAVAILABLE));
        }
        builder = builder
            .response("429", shared(TOO_MANY))
            .response("500", shared(INTERNAL));
        (self.method, self.path, builder.build())
    }
}

/// The 403 every POST can answer (cookie without a trusted origin), with `more` codes.
pub(crate) fn forbidden(more: &str) -> String {
    let base = "`MISSING_OR_NULL_ORIGIN` or `INVALID_ORIGIN`: a request with a cookie needs a \
                trusted `Origin` or `Referer`";
    if more.is_empty() {
        base.to_owned()
    } else {
        format!("{base}; {more}")
    }
}

pub(crate) const BAD_BODY: &str = "`BAD_REQUEST` (malformed JSON or form text), `VALIDATION_ERROR` \
                        (a missing or mistyped field, a body that is not an object, or a \
                        repeated query parameter)";

/// The 400 of a route whose only input is its query string.
pub(crate) const BAD_QUERY: &str = "`VALIDATION_ERROR`: a query parameter is given twice";

pub(crate) fn bad_request(more: &str) -> String {
    if more.is_empty() {
        BAD_BODY.to_owned()
    } else {
        format!("{BAD_BODY}, {more}")
    }
}
