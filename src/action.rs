//! The shape every API action has: an `Input` parsed from the Query
//! parameters (validation errors here), the authorization it needs, `execute`,
//! and an `Output` that renders itself. The route table (`http::routes`) runs
//! them all through the same path: authenticate → parse → authorize → execute
//! → render, so no action can skip a step.

use std::future::Future;
use std::net::IpAddr;

use crate::app::AppState;
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::policy::Context;
use crate::core::query::Params;
use crate::core::time::{Epoch, iso8601};
use crate::core::xml::{Service, XmlWriter};
use crate::principal::Principal;

/// What the caller must be allowed before `execute` runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorization {
    /// Unsigned federation calls: the action evaluates a trust policy itself.
    Unsigned,
    /// Any authenticated caller (GetCallerIdentity needs no permission).
    AnyCaller,
    /// `action` (e.g. `iam:CreateRole`) on `resource` (an ARN or `*`).
    Allow {
        action: &'static str,
        resource: String,
    },
    /// `action` on a named entity of the caller's account; its ARN, path
    /// included, is looked up before the decision (`role/NAME` when absent).
    AllowEntity {
        action: &'static str,
        entity: EntityKind,
        name: String,
    },
}

/// IAM entities whose ARN carries a path that only the store knows.
pub use crate::store::policies::EntityKind;

/// The request as an action sees it.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub caller: Option<&'a Principal>,
    pub now: Epoch,
    pub request_id: &'a str,
    pub source_ip: Option<IpAddr>,
    pub secure_transport: bool,
    /// Tags the request carries (`aws:RequestTag/*`, `aws:TagKeys`), from
    /// [`Action::request_tags`].
    pub request_tags: Vec<(String, String)>,
}

impl Ctx<'_> {
    /// The authenticated caller (signed actions always have one).
    pub fn caller(&self) -> ApiResult<&Principal> {
        self.caller.ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingAuthenticationToken,
                "Request is missing Authentication Token",
            )
        })
    }

    /// The caller's account: where IAM actions act.
    pub fn account(&self) -> ApiResult<&AccountId> {
        Ok(self.caller()?.account())
    }

    /// Condition keys every request has, signed or not: time, transport,
    /// source address (POLICY.md §6).
    pub fn base_context(&self) -> Context {
        let mut c = Context::new();
        c.insert("aws:CurrentTime", iso8601(self.now));
        c.insert("aws:EpochTime", self.now.to_string());
        c.insert(
            "aws:SecureTransport",
            if self.secure_transport {
                "true"
            } else {
                "false"
            },
        );
        if let Some(ip) = self.source_ip {
            c.insert("aws:SourceIp", ip.to_string());
        }
        c
    }
}

/// A rendered result body.
pub trait Render {
    /// False for operations without an output shape (no `<XResult>` element).
    const HAS_RESULT: bool = true;
    fn render(&self, w: &mut XmlWriter);
}

/// Operations with no output shape.
impl Render for () {
    const HAS_RESULT: bool = false;
    fn render(&self, _w: &mut XmlWriter) {}
}

/// Operations whose model has an empty output with a result wrapper (UpdateRole).
pub struct EmptyResult;

impl Render for EmptyResult {
    fn render(&self, _w: &mut XmlWriter) {}
}

pub trait Action: Sized {
    const SERVICE: Service;
    const NAME: &'static str;
    /// Whether the request must carry a SigV4 signature.
    const SIGNED: bool = true;
    type Output: Render;

    fn from_params(params: &Params) -> ApiResult<Self>;
    /// The permission to check; `account` is the caller's (for building ARNs).
    fn authorization(&self, account: Option<&AccountId>) -> Authorization;
    /// The permission to check, knowing the caller: actions that default to
    /// the calling user (GetUser, CreateAccessKey…) override this.
    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        self.authorization(caller.map(|c| c.account()))
    }
    /// Tags the request would attach (CreateRole, TagUser…): authorization
    /// sees them as `aws:RequestTag/KEY` and `aws:TagKeys`.
    fn request_tags(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    fn execute(self, ctx: &Ctx<'_>) -> impl Future<Output = ApiResult<Self::Output>>;
}

/// `arn:aws:iam::ACCT:role/…` style resource for authorization, or `*` when the
/// account is unknown (unsigned calls never reach the authorizer).
pub fn iam_resource(account: Option<&AccountId>, resource: &str) -> String {
    match account {
        Some(a) => format!("arn:aws:iam::{a}:{resource}"),
        None => "*".to_string(),
    }
}
