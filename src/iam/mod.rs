//! IAM actions, one module per action.

use crate::core::error::ApiError;
use crate::core::xml::Service;

/// The answer for an action the route table does not know.
pub fn route_missing(service: Service, action: &str) -> ApiError {
    crate::http::routes::invalid_action(service, action)
}
