//! The route table: one line per API action. Every action runs through `run`,
//! the single request path: authenticate → parse → authorize → execute → render.

use std::net::IpAddr;

use crate::action::{Action, Ctx, Render};
use crate::app::AppState;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::sigv4::HttpRequest;
use crate::core::time::Epoch;
use crate::core::xml::{Service, XmlWriter, success_document};
use crate::http::{auth, authorize};
use crate::{iam, sts};

/// Everything known about one request before an action is chosen.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub params: &'a Params,
    pub http: HttpRequest<'a>,
    pub now: Epoch,
    pub request_id: &'a str,
    pub source_ip: Option<IpAddr>,
    pub secure_transport: bool,
}

pub async fn dispatch(service: Service, action: &str, call: &Call<'_>) -> ApiResult<String> {
    match (service, action) {
        (Service::Sts, "AssumeRoleWithSAML") => {
            run::<sts::assume_role_with_saml::Input>(call).await
        }
        (Service::Sts, "AssumeRoleWithWebIdentity") => {
            run::<sts::assume_role_with_web_identity::Input>(call).await
        }
        (Service::Sts, "GetCallerIdentity") => run::<sts::get_caller_identity::Input>(call).await,
        // IAM routes
        (Service::Iam, "AddClientIDToOpenIDConnectProvider") => {
            run::<iam::add_client_id_to_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "CreateOpenIDConnectProvider") => {
            run::<iam::create_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "CreateRole") => run::<iam::create_role::Input>(call).await,
        (Service::Iam, "CreateSAMLProvider") => run::<iam::create_saml_provider::Input>(call).await,
        (Service::Iam, "DeleteSAMLProvider") => run::<iam::delete_saml_provider::Input>(call).await,
        (Service::Iam, "GetSAMLProvider") => run::<iam::get_saml_provider::Input>(call).await,
        (Service::Iam, "ListSAMLProviders") => run::<iam::list_saml_providers::Input>(call).await,
        (Service::Iam, "UpdateSAMLProvider") => run::<iam::update_saml_provider::Input>(call).await,
        (Service::Iam, "TagSAMLProvider") => run::<iam::tag_saml_provider::Input>(call).await,
        (Service::Iam, "UntagSAMLProvider") => run::<iam::untag_saml_provider::Input>(call).await,
        (Service::Iam, "ListSAMLProviderTags") => {
            run::<iam::list_saml_provider_tags::Input>(call).await
        }
        (Service::Iam, "DeleteOpenIDConnectProvider") => {
            run::<iam::delete_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "DeleteRole") => run::<iam::delete_role::Input>(call).await,
        (Service::Iam, "DeleteRolePolicy") => run::<iam::delete_role_policy::Input>(call).await,
        (Service::Iam, "GetOpenIDConnectProvider") => {
            run::<iam::get_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "GetRole") => run::<iam::get_role::Input>(call).await,
        (Service::Iam, "GetRolePolicy") => run::<iam::get_role_policy::Input>(call).await,
        (Service::Iam, "ListOpenIDConnectProviderTags") => {
            run::<iam::list_open_id_connect_provider_tags::Input>(call).await
        }
        (Service::Iam, "ListOpenIDConnectProviders") => {
            run::<iam::list_open_id_connect_providers::Input>(call).await
        }
        (Service::Iam, "ListRolePolicies") => run::<iam::list_role_policies::Input>(call).await,
        (Service::Iam, "ListRoleTags") => run::<iam::list_role_tags::Input>(call).await,
        (Service::Iam, "ListRoles") => run::<iam::list_roles::Input>(call).await,
        (Service::Iam, "PutRolePolicy") => run::<iam::put_role_policy::Input>(call).await,
        (Service::Iam, "RemoveClientIDFromOpenIDConnectProvider") => {
            run::<iam::remove_client_id_from_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "SimulateCustomPolicy") => {
            run::<iam::simulate_custom_policy::Input>(call).await
        }
        (Service::Iam, "SimulatePrincipalPolicy") => {
            run::<iam::simulate_principal_policy::Input>(call).await
        }
        (Service::Iam, "TagOpenIDConnectProvider") => {
            run::<iam::tag_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "TagRole") => run::<iam::tag_role::Input>(call).await,
        (Service::Iam, "UntagOpenIDConnectProvider") => {
            run::<iam::untag_open_id_connect_provider::Input>(call).await
        }
        (Service::Iam, "UntagRole") => run::<iam::untag_role::Input>(call).await,
        (Service::Iam, "UpdateAssumeRolePolicy") => {
            run::<iam::update_assume_role_policy::Input>(call).await
        }
        (Service::Iam, "UpdateOpenIDConnectProviderThumbprint") => {
            run::<iam::update_open_id_connect_provider_thumbprint::Input>(call).await
        }
        (Service::Iam, "UpdateRole") => run::<iam::update_role::Input>(call).await,
        (Service::Iam, "UpdateRoleDescription") => {
            run::<iam::update_role_description::Input>(call).await
        }
        (Service::Iam, "AttachGroupPolicy") => run::<iam::attach_group_policy::Input>(call).await,
        (Service::Iam, "AttachRolePolicy") => run::<iam::attach_role_policy::Input>(call).await,
        (Service::Iam, "AttachUserPolicy") => run::<iam::attach_user_policy::Input>(call).await,
        (Service::Iam, "CreatePolicy") => run::<iam::create_policy::Input>(call).await,
        (Service::Iam, "CreatePolicyVersion") => {
            run::<iam::create_policy_version::Input>(call).await
        }
        (Service::Iam, "DeletePolicy") => run::<iam::delete_policy::Input>(call).await,
        (Service::Iam, "DeletePolicyVersion") => {
            run::<iam::delete_policy_version::Input>(call).await
        }
        (Service::Iam, "DeleteRolePermissionsBoundary") => {
            run::<iam::delete_role_permissions_boundary::Input>(call).await
        }
        (Service::Iam, "DeleteUserPermissionsBoundary") => {
            run::<iam::delete_user_permissions_boundary::Input>(call).await
        }
        (Service::Iam, "DetachGroupPolicy") => run::<iam::detach_group_policy::Input>(call).await,
        (Service::Iam, "DetachRolePolicy") => run::<iam::detach_role_policy::Input>(call).await,
        (Service::Iam, "DetachUserPolicy") => run::<iam::detach_user_policy::Input>(call).await,
        (Service::Iam, "GetPolicy") => run::<iam::get_policy::Input>(call).await,
        (Service::Iam, "GetPolicyVersion") => run::<iam::get_policy_version::Input>(call).await,
        (Service::Iam, "ListAttachedGroupPolicies") => {
            run::<iam::list_attached_group_policies::Input>(call).await
        }
        (Service::Iam, "ListAttachedRolePolicies") => {
            run::<iam::list_attached_role_policies::Input>(call).await
        }
        (Service::Iam, "ListAttachedUserPolicies") => {
            run::<iam::list_attached_user_policies::Input>(call).await
        }
        (Service::Iam, "ListEntitiesForPolicy") => {
            run::<iam::list_entities_for_policy::Input>(call).await
        }
        (Service::Iam, "ListPolicies") => run::<iam::list_policies::Input>(call).await,
        (Service::Iam, "ListPolicyVersions") => run::<iam::list_policy_versions::Input>(call).await,
        (Service::Iam, "PutRolePermissionsBoundary") => {
            run::<iam::put_role_permissions_boundary::Input>(call).await
        }
        (Service::Iam, "PutUserPermissionsBoundary") => {
            run::<iam::put_user_permissions_boundary::Input>(call).await
        }
        (Service::Iam, "SetDefaultPolicyVersion") => {
            run::<iam::set_default_policy_version::Input>(call).await
        }
        (Service::Iam, "AddUserToGroup") => run::<iam::add_user_to_group::Input>(call).await,
        (Service::Iam, "CreateAccessKey") => run::<iam::create_access_key::Input>(call).await,
        (Service::Iam, "CreateAccountAlias") => run::<iam::create_account_alias::Input>(call).await,
        (Service::Iam, "CreateGroup") => run::<iam::create_group::Input>(call).await,
        (Service::Iam, "CreateUser") => run::<iam::create_user::Input>(call).await,
        (Service::Iam, "DeleteAccessKey") => run::<iam::delete_access_key::Input>(call).await,
        (Service::Iam, "DeleteAccountAlias") => run::<iam::delete_account_alias::Input>(call).await,
        (Service::Iam, "DeleteGroup") => run::<iam::delete_group::Input>(call).await,
        (Service::Iam, "DeleteGroupPolicy") => run::<iam::delete_group_policy::Input>(call).await,
        (Service::Iam, "DeleteUser") => run::<iam::delete_user::Input>(call).await,
        (Service::Iam, "DeleteUserPolicy") => run::<iam::delete_user_policy::Input>(call).await,
        (Service::Iam, "GetAccessKeyLastUsed") => {
            run::<iam::get_access_key_last_used::Input>(call).await
        }
        (Service::Iam, "GetAccountAuthorizationDetails") => {
            run::<iam::get_account_authorization_details::Input>(call).await
        }
        (Service::Iam, "GetAccountSummary") => run::<iam::get_account_summary::Input>(call).await,
        (Service::Iam, "GetGroup") => run::<iam::get_group::Input>(call).await,
        (Service::Iam, "GetGroupPolicy") => run::<iam::get_group_policy::Input>(call).await,
        (Service::Iam, "GetUser") => run::<iam::get_user::Input>(call).await,
        (Service::Iam, "GetUserPolicy") => run::<iam::get_user_policy::Input>(call).await,
        (Service::Iam, "ListAccessKeys") => run::<iam::list_access_keys::Input>(call).await,
        (Service::Iam, "ListAccountAliases") => run::<iam::list_account_aliases::Input>(call).await,
        (Service::Iam, "ListGroupPolicies") => run::<iam::list_group_policies::Input>(call).await,
        (Service::Iam, "ListGroups") => run::<iam::list_groups::Input>(call).await,
        (Service::Iam, "ListGroupsForUser") => run::<iam::list_groups_for_user::Input>(call).await,
        (Service::Iam, "ListUserPolicies") => run::<iam::list_user_policies::Input>(call).await,
        (Service::Iam, "ListUserTags") => run::<iam::list_user_tags::Input>(call).await,
        (Service::Iam, "ListUsers") => run::<iam::list_users::Input>(call).await,
        (Service::Iam, "PutGroupPolicy") => run::<iam::put_group_policy::Input>(call).await,
        (Service::Iam, "PutUserPolicy") => run::<iam::put_user_policy::Input>(call).await,
        (Service::Iam, "RemoveUserFromGroup") => {
            run::<iam::remove_user_from_group::Input>(call).await
        }
        (Service::Iam, "TagUser") => run::<iam::tag_user::Input>(call).await,
        (Service::Iam, "UntagUser") => run::<iam::untag_user::Input>(call).await,
        (Service::Iam, "UpdateAccessKey") => run::<iam::update_access_key::Input>(call).await,
        (Service::Iam, "UpdateUser") => run::<iam::update_user::Input>(call).await,
        _ => Err(iam::route_missing(service, action)),
    }
}

pub fn invalid_action(service: Service, action: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAction,
        format!(
            "Could not find operation {action} for version {}",
            service.version()
        ),
    )
}

pub async fn run<A: Action>(call: &Call<'_>) -> ApiResult<String> {
    let caller = if A::SIGNED {
        Some(auth::authenticate(call.state, &call.http, call.now).await?)
    } else {
        None
    };
    let input = A::from_params(call.params)?;
    let ctx = Ctx {
        state: call.state,
        caller: caller.as_ref(),
        now: call.now,
        request_id: call.request_id,
        source_ip: call.source_ip,
        secure_transport: call.secure_transport,
        request_tags: input.request_tags(),
    };
    let needed = input.authorization_for(caller.as_ref());
    authorize::authorize(&ctx, &needed).await?;
    let output = input.execute(&ctx).await?;
    let result = if <A::Output as Render>::HAS_RESULT {
        let mut w = XmlWriter::new();
        output.render(&mut w);
        Some(w.into_string())
    } else {
        None
    };
    Ok(success_document(
        A::SERVICE,
        A::NAME,
        result.as_deref(),
        call.request_id,
    ))
}
