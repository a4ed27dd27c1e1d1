//! The query parameters that list endpoints (list-members, list-users) share: a filter
//! operator, its value(s), and times, with better-auth's validation messages.

use crate::AuthError;
use beep_store::repos::filter::{Comparison, FieldValue};

/// `filterOperator` (default `eq`).
pub(crate) fn comparison(name: Option<&str>) -> Result<Comparison, AuthError> {
    Ok(match name.unwrap_or("eq") {
        "eq" => Comparison::Eq,
        "ne" => Comparison::Ne,
        "lt" => Comparison::Lt,
        "lte" => Comparison::Lte,
        "gt" => Comparison::Gt,
        "gte" => Comparison::Gte,
        "in" => Comparison::In,
        "not_in" => Comparison::NotIn,
        "contains" => Comparison::Contains,
        "starts_with" => Comparison::StartsWith,
        "ends_with" => Comparison::EndsWith,
        _ => {
            return Err(AuthError::InvalidParameter {
                parameter: "filterOperator",
                reason: "Invalid option: expected one of \"eq\"|\"ne\"|\"lt\"|\"lte\"|\"gt\"|\
                         \"gte\"|\"in\"|\"not_in\"|\"contains\"|\"starts_with\"|\"ends_with\""
                    .to_owned(),
            });
        }
    })
}

/// The `filterValue`s: exactly one, or (for `in` / `not_in`) one or more, each possibly a
/// comma-separated list.
pub(crate) fn filter_values(
    comparison: Comparison,
    given: &[String],
) -> Result<Vec<&str>, AuthError> {
    let several = comparison.takes_several();
    let values: Vec<&str> = if several {
        given.iter().flat_map(|v| v.split(',')).collect()
    } else {
        given.iter().map(String::as_str).collect()
    };
    if values.is_empty() || (!several && values.len() > 1) {
        return Err(AuthError::InvalidParameter {
            parameter: "filterValue",
            reason: if several {
                "Invalid input: expected at least one value".to_owned()
            } else {
                "Invalid input: expected one value".to_owned()
            },
        });
    }
    Ok(values)
}

/// A time filter value (ISO 8601).
pub(crate) fn time_value(value: &str) -> Result<FieldValue, AuthError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| FieldValue::Time(t.to_utc()))
        .map_err(|_| AuthError::InvalidParameter {
            parameter: "filterValue",
            reason: "Invalid input: expected an ISO 8601 date and time".to_owned(),
        })
}

/// A flag filter value: `true` or `false`.
pub(crate) fn flag_value(value: &str) -> Result<FieldValue, AuthError> {
    match value {
        "true" => Ok(FieldValue::Flag(true)),
        "false" => Ok(FieldValue::Flag(false)),
        _ => Err(AuthError::InvalidParameter {
            parameter: "filterValue",
            reason: "Invalid input: expected true or false".to_owned(),
        }),
    }
}

/// The refusal of a text match (`contains`, …) on a field that is not text.
pub(crate) fn text_match_on(field: &str) -> AuthError {
    AuthError::InvalidParameter {
        parameter: "filterOperator",
        reason: format!(
            "Invalid option: {field} is compared with eq, ne, lt, lte, gt, gte, in or not_in"
        ),
    }
}

/// The most rows one page holds, whatever is asked for.
const MAX_PAGE: u64 = 1000;
/// The furthest a page may start (the databases take a signed 64-bit offset).
const MAX_OFFSET: u64 = i64::MAX as u64;

/// A page size: as asked (at most [`MAX_PAGE`]), or `default` when not asked or zero.
pub(crate) fn page_size(asked: Option<u64>, default: u64) -> u64 {
    asked.filter(|n| *n > 0).unwrap_or(default).min(MAX_PAGE)
}

/// Where a page starts: as asked, at most [`MAX_OFFSET`].
pub(crate) fn page_offset(asked: Option<u64>) -> u64 {
    asked.unwrap_or(0).min(MAX_OFFSET)
}
