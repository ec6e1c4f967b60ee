//! IAM actions, one module per action, and what they share (`common`).

pub mod add_client_id_to_open_id_connect_provider;
pub mod add_user_to_group;
pub mod common;
pub mod create_access_key;
pub mod create_account_alias;
pub mod create_group;
pub mod create_open_id_connect_provider;
pub mod create_role;
pub mod create_user;
pub mod delete_access_key;
pub mod delete_account_alias;
pub mod delete_group;
pub mod delete_group_policy;
pub mod delete_open_id_connect_provider;
pub mod delete_role;
pub mod delete_role_policy;
pub mod delete_user;
pub mod delete_user_policy;
pub mod get_access_key_last_used;
pub mod get_group;
pub mod get_group_policy;
pub mod get_open_id_connect_provider;
pub mod get_role;
pub mod get_role_policy;
pub mod get_user;
pub mod get_user_policy;
pub mod list_access_keys;
pub mod list_account_aliases;
pub mod list_group_policies;
pub mod list_groups;
pub mod list_groups_for_user;
pub mod list_open_id_connect_provider_tags;
pub mod list_open_id_connect_providers;
pub mod list_role_policies;
pub mod list_role_tags;
pub mod list_roles;
pub mod list_user_policies;
pub mod list_user_tags;
pub mod list_users;
pub mod put_group_policy;
pub mod put_role_policy;
pub mod put_user_policy;
pub mod remove_client_id_from_open_id_connect_provider;
pub mod remove_user_from_group;
pub mod tag_open_id_connect_provider;
pub mod tag_role;
pub mod tag_user;
pub mod untag_open_id_connect_provider;
pub mod untag_role;
pub mod untag_user;
pub mod update_access_key;
pub mod update_assume_role_policy;
pub mod update_open_id_connect_provider_thumbprint;
pub mod update_role;
pub mod update_role_description;
pub mod update_user;

use crate::core::error::ApiError;
use crate::core::xml::Service;

/// The answer for an action the route table does not know.
pub fn route_missing(service: Service, action: &str) -> ApiError {
    crate::http::routes::invalid_action(service, action)
}
