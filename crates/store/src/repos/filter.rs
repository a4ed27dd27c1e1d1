//! The filters of better-auth's list endpoints (list-members, list-users): a field compared
//! with one value, or several for `in` / `not_in`, and text matched with `LIKE`.

use chrono::{DateTime, Utc};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};

/// How a filter compares a field with its value(s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// One of the values.
    In,
    /// None of the values.
    NotIn,
    /// Holds the text.
    Contains,
    /// Starts with the text.
    StartsWith,
    /// Ends with the text.
    EndsWith,
}

impl Comparison {
    /// Whether this compares text (`LIKE`), which only text fields can be.
    pub fn matches_text(self) -> bool {
        matches!(self, Self::Contains | Self::StartsWith | Self::EndsWith)
    }

    /// Whether this takes several values.
    pub fn takes_several(self) -> bool {
        matches!(self, Self::In | Self::NotIn)
    }
}

/// A value a filter compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Text (ids, names, roles).
    Text(String),
    /// A time (`createdAt`).
    Time(DateTime<Utc>),
    /// A flag (`banned`, `emailVerified`).
    Flag(bool),
}

impl From<FieldValue> for sea_orm::Value {
    fn from(value: FieldValue) -> Self {
        match value {
            FieldValue::Text(text) => text.into(),
            FieldValue::Time(time) => time.into(),
            FieldValue::Flag(flag) => flag.into(),
        }
    }
}

/// `column <comparison> values`. Text matches are exact in case, as better-auth's are.
pub(crate) fn compare(
    column: impl ColumnTrait,
    comparison: Comparison,
    values: &[FieldValue],
) -> SimpleExpr {
    let all = || values.iter().cloned().map(sea_orm::Value::from);
    let first = all().next().unwrap_or_else(|| String::new().into());
    let text = match values.first() {
        Some(FieldValue::Text(text)) => escape_like(text),
        _ => String::new(),
    };
    let like = |pattern: String| qualified(column).like(LikeExpr::new(pattern).escape('\\'));
    match comparison {
        Comparison::Eq => column.eq(first),
        Comparison::Ne => column.ne(first),
        Comparison::Lt => column.lt(first),
        Comparison::Lte => column.lte(first),
        Comparison::Gt => column.gt(first),
        Comparison::Gte => column.gte(first),
        Comparison::In => column.is_in(all()),
        Comparison::NotIn => column.is_not_in(all()),
        Comparison::Contains => like(format!("%{text}%")),
        Comparison::StartsWith => like(format!("{text}%")),
        Comparison::EndsWith => like(format!("%{text}")),
    }
}

/// `column` matched with `text` regardless of case (a search box, not a filter).
pub(crate) fn search(column: impl ColumnTrait, matching: Comparison, text: &str) -> SimpleExpr {
    let text = escape_like(&text.to_lowercase());
    let pattern = match matching {
        Comparison::StartsWith => format!("{text}%"),
        Comparison::EndsWith => format!("%{text}"),
        _ => format!("%{text}%"),
    };
    Expr::expr(Func::lower(qualified(column))).like(LikeExpr::new(pattern).escape('\\'))
}

/// `table.column`: lists join other tables (users), where a bare name can be ambiguous.
fn qualified(column: impl ColumnTrait) -> Expr {
    Expr::col((column.entity_name(), column))
}

/// `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_a_filter_value_match_themselves() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}
