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
    };
    let needed = input.authorization(caller.as_ref().map(|c| c.account()));
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
