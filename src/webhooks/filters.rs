//! Webhook filters: a JSON object of `/jobs` filter parameters, validated by
//! the same code as `/jobs` (`split_query` for names, `parse_filter` for
//! values), so a subscriber gets exactly the errors a `/jobs` query would.

use crate::error::{Error, Result};
use crate::query::JobFilter;
use crate::query::params::{FILTER_PARAMETERS, LIST_PARAMETERS, parse_filter, split_query};
use serde_json::{Map, Value};

/// Turns `{"category": "web-development", "budget_min": 1000,
/// "skills": ["react", "node"], "payment_verified": true}` into the
/// parameters of a `/jobs` query: strings as they are, numbers and booleans
/// as written, arrays joined with commas. Returns the parsed filter and the
/// parameters as a JSON object of strings, the form that is stored.
pub fn validate(filters: Option<&Value>) -> Result<(JobFilter, Map<String, Value>)> {
    let object = match filters {
        None | Some(Value::Null) => return Ok((JobFilter::default(), Map::new())),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(Error::bad_request("Invalid filters: must be an object of /jobs filter parameters")),
    };
    // Paging and shape belong to a query's answer, not to which jobs match.
    if let Some(name) = object.keys().find(|name| LIST_PARAMETERS.contains(&name.as_str())) {
        return Err(Error::bad_request(format!(
            "Invalid filters: '{name}' pages or shapes a /jobs answer and is not a filter"
        )));
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in object {
        query.append_pair(name, &parameter_text(name, value)?);
    }
    // The same gate as `/jobs`: unknown names get "Unknown parameter", with
    // a did-you-mean when one is close.
    let pairs = split_query(&query.finish(), &[FILTER_PARAMETERS])?;
    let filter = parse_filter(&pairs)?;
    let stored = pairs.into_iter().map(|(name, value)| (name, Value::String(value))).collect();
    Ok((filter, stored))
}

fn parameter_text(name: &str, value: &Value) -> Result<String> {
    let scalar = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    let text = match value {
        Value::Array(items) => items.iter().map(scalar).collect::<Option<Vec<_>>>().map(|items| items.join(",")),
        other => scalar(other),
    };
    text.ok_or_else(|| {
        Error::bad_request(format!(
            "Invalid {name} parameter: must be a string, a number, a boolean or an array of them"
        ))
    })
}

/// Parses filters as stored (a JSON object of strings).
pub fn parse_stored(stored: &str) -> Result<JobFilter> {
    let value: Value =
        serde_json::from_str(stored).map_err(|error| Error::internal(format!("stored filters: {error}")))?;
    validate(Some(&value)).map(|(filter, _)| filter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(filters: Value) -> String {
        validate(Some(&filters)).map(|_| String::new()).unwrap_or_else(|error| error.status_and_message().1)
    }

    #[test]
    fn values_of_every_json_kind_become_parameters() {
        let (filter, stored) = validate(Some(&json!({
            "category": "web-development",
            "budget_min": 1000,
            "skills": ["React", "node.js"],
            "payment_verified": true,
        })))
        .unwrap();
        assert_eq!(filter.categories, ["web-development"]);
        assert_eq!(filter.budget_min, Some(1000.0));
        assert_eq!(filter.payment_verified, Some(true));
        assert_eq!(filter.all_terms.len(), 2);
        assert_eq!(stored["skills"], "React,node.js");
        assert_eq!(stored["budget_min"], "1000");
        let reparsed = parse_stored(&Value::Object(stored).to_string()).unwrap();
        assert_eq!(reparsed, filter);
    }

    #[test]
    fn errors_are_the_ones_jobs_gives() {
        assert_eq!(message(json!({"budgetmin": 5})), "Unknown parameter 'budgetmin'. Did you mean 'budget_min'?");
        assert_eq!(message(json!({"frobnicate": 1})), "Unknown parameter 'frobnicate'");
        assert_eq!(
            message(json!({"limit": 5})),
            "Invalid filters: 'limit' pages or shapes a /jobs answer and is not a filter"
        );
        assert_eq!(message(json!({"budget_min": "abc"})), "Invalid budget_min parameter");
        assert_eq!(
            message(json!({"payment_verified": 1})),
            "Invalid payment_verified parameter: must be true or false"
        );
        assert_eq!(
            message(json!({"country": "USA"})),
            "Invalid country parameter: 'usa' is not an ISO 3166-1 alpha-2 country code"
        );
        assert!(message(json!({"skills": {"a": 1}})).starts_with("Invalid skills parameter"));
        assert_eq!(message(json!([1])), "Invalid filters: must be an object of /jobs filter parameters");
        assert_eq!(message(json!({})), "");
    }
}
