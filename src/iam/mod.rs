//! IAM actions, one module per action, and what they share (`common`).

pub mod add_client_id_to_open_id_connect_provider;
pub mod common;
pub mod create_open_id_connect_provider;
pub mod create_role;
pub mod delete_open_id_connect_provider;
pub mod delete_role;
pub mod delete_role_policy;
pub mod get_open_id_connect_provider;
pub mod get_role;
pub mod get_role_policy;
pub mod list_open_id_connect_provider_tags;
pub mod list_open_id_connect_providers;
pub mod list_role_policies;
pub mod list_role_tags;
pub mod list_roles;
pub mod put_role_policy;
pub mod remove_client_id_from_open_id_connect_provider;
pub mod simulate_custom_policy;
pub mod simulate_principal_policy;
pub mod tag_open_id_connect_provider;
pub mod tag_role;
pub mod untag_open_id_connect_provider;
pub mod untag_role;
pub mod update_assume_role_policy;
pub mod update_open_id_connect_provider_thumbprint;
pub mod update_role;
pub mod update_role_description;

use crate::core::error::ApiError;
use crate::core::xml::Service;

/// The answer for an action the route table does not know.
pub fn route_missing(service: Service, action: &str) -> ApiError {
    crate::http::routes::invalid_action(service, action)
}
