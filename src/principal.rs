//! The authenticated caller of a signed request.

use crate::core::arn::AccountId;
use crate::core::token::session::{SessionClaims, SessionKind};
use crate::store::User;

#[derive(Debug, Clone)]
pub enum Principal {
    /// An IAM user signing with a long-term access key.
    User { user: User, access_key_id: String },
    /// A temporary credential; everything about it came from its sealed token.
    Session {
        claims: SessionClaims,
        account: AccountId,
    },
}

impl Principal {
    pub fn account(&self) -> &AccountId {
        match self {
            Principal::User { user, .. } => &user.account,
            Principal::Session { account, .. } => account,
        }
    }

    /// The caller's ARN as GetCallerIdentity reports it.
    pub fn arn(&self) -> String {
        match self {
            Principal::User { user, .. } => user.arn.clone(),
            Principal::Session { claims, .. } => claims.arn(),
        }
    }

    /// `aws:userid`: `AIDA…` for users, `AROA…:session` for role sessions.
    pub fn user_id(&self) -> String {
        match self {
            Principal::User { user, .. } => user.user_id.clone(),
            Principal::Session { claims, .. } => claims.user_id(),
        }
    }

    /// `aws:PrincipalArn`: for role sessions the role's ARN, not the session's.
    pub fn principal_arn(&self) -> String {
        match self {
            Principal::User { user, .. } => user.arn.clone(),
            Principal::Session { claims, .. } => match &claims.kind {
                SessionKind::AssumedRole { role_arn, .. } => role_arn.clone(),
            },
        }
    }

    pub fn principal_type(&self) -> &'static str {
        match self {
            Principal::User { .. } => "User",
            Principal::Session { .. } => "AssumedRole",
        }
    }

    pub fn access_key_id(&self) -> &str {
        match self {
            Principal::User { access_key_id, .. } => access_key_id,
            Principal::Session { claims, .. } => &claims.akid,
        }
    }
}
