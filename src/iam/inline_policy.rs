//! Put/Get/List/Delete User and Group inline policies: one implementation
//! each, parameterised by the owner kind ([`Owner`]); the action modules name
//! the instances. (Role inline policies differ: trust-policy rules, their
//! own store family.)

use std::future::Future;
use std::marker::PhantomData;

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::policy::PolicyKind;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_GROUP_INLINE_POLICIES, MAX_USER_INLINE_POLICIES, Page, check_policy, encode_policy,
    group_authorization, group_name_param, internal, load_group, load_user, policy_name_param,
    render_page, store_error, user_authorization, user_name_param,
};
use crate::store::{InlinePolicy, StoreError, StoreResult};

/// A kind of entity owning inline policies: its parameter, action names,
/// quota and store calls.
pub trait Owner {
    /// `UserName` or `GroupName` (parameter and GetXPolicy result member).
    const NAME_PARAM: &'static str;
    const PUT: &'static str;
    const PUT_IAM: &'static str;
    const GET: &'static str;
    const GET_IAM: &'static str;
    const LIST: &'static str;
    const LIST_IAM: &'static str;
    const DELETE: &'static str;
    const DELETE_IAM: &'static str;
    /// Aggregate size quota of the owner's inline policies.
    const MAX_INLINE: usize;

    fn name_param(v: &mut Validator, params: &Params) -> String;
    fn authorization(action: &'static str, name: &str) -> Authorization;
    fn entity(name: &str) -> Entity<'_>;
    fn policy_entity(name: &str) -> Entity<'_>;
    /// The owner's stored name, or `NoSuchEntity`.
    fn load_name(ctx: &Ctx<'_>, name: &str) -> impl Future<Output = ApiResult<String>>;
    fn put(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        policy: &InlinePolicy,
    ) -> impl Future<Output = StoreResult<()>>;
    fn get(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> impl Future<Output = StoreResult<Option<InlinePolicy>>>;
    fn list(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
    ) -> impl Future<Output = StoreResult<Vec<InlinePolicy>>>;
    fn delete(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> impl Future<Output = StoreResult<()>>;
    fn log_put(account: &AccountId, owner: &str, policy: &str);
    fn log_deleted(account: &AccountId, owner: &str, policy: &str);
}

#[derive(Debug)]
pub struct User;
#[derive(Debug)]
pub struct Group;

impl Owner for User {
    const NAME_PARAM: &'static str = "UserName";
    const PUT: &'static str = "PutUserPolicy";
    const PUT_IAM: &'static str = "iam:PutUserPolicy";
    const GET: &'static str = "GetUserPolicy";
    const GET_IAM: &'static str = "iam:GetUserPolicy";
    const LIST: &'static str = "ListUserPolicies";
    const LIST_IAM: &'static str = "iam:ListUserPolicies";
    const DELETE: &'static str = "DeleteUserPolicy";
    const DELETE_IAM: &'static str = "iam:DeleteUserPolicy";
    const MAX_INLINE: usize = MAX_USER_INLINE_POLICIES;

    fn name_param(v: &mut Validator, params: &Params) -> String {
        user_name_param(v, params)
    }

    fn authorization(action: &'static str, name: &str) -> Authorization {
        user_authorization(action, name)
    }

    fn entity(name: &str) -> Entity<'_> {
        Entity::User(name)
    }

    fn policy_entity(name: &str) -> Entity<'_> {
        Entity::UserPolicy(name)
    }

    async fn load_name(ctx: &Ctx<'_>, name: &str) -> ApiResult<String> {
        Ok(load_user(ctx, name).await?.name)
    }

    async fn put(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        policy: &InlinePolicy,
    ) -> StoreResult<()> {
        ctx.state
            .store
            .put_user_policy(account, owner, policy, Self::MAX_INLINE)
            .await
    }

    async fn get(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        ctx.state.store.get_user_policy(account, owner, name).await
    }

    async fn list(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        ctx.state.store.list_user_policies(account, owner).await
    }

    async fn delete(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<()> {
        ctx.state
            .store
            .delete_user_policy(account, owner, name)
            .await
    }

    fn log_put(account: &AccountId, owner: &str, policy: &str) {
        tracing::info!(account = %account, user = %owner, policy = %policy, "user policy put");
    }

    fn log_deleted(account: &AccountId, owner: &str, policy: &str) {
        tracing::info!(account = %account, user = %owner, policy = %policy, "user policy deleted");
    }
}

impl Owner for Group {
    const NAME_PARAM: &'static str = "GroupName";
    const PUT: &'static str = "PutGroupPolicy";
    const PUT_IAM: &'static str = "iam:PutGroupPolicy";
    const GET: &'static str = "GetGroupPolicy";
    const GET_IAM: &'static str = "iam:GetGroupPolicy";
    const LIST: &'static str = "ListGroupPolicies";
    const LIST_IAM: &'static str = "iam:ListGroupPolicies";
    const DELETE: &'static str = "DeleteGroupPolicy";
    const DELETE_IAM: &'static str = "iam:DeleteGroupPolicy";
    const MAX_INLINE: usize = MAX_GROUP_INLINE_POLICIES;

    fn name_param(v: &mut Validator, params: &Params) -> String {
        group_name_param(v, params)
    }

    fn authorization(action: &'static str, name: &str) -> Authorization {
        group_authorization(action, name)
    }

    fn entity(name: &str) -> Entity<'_> {
        Entity::Group(name)
    }

    fn policy_entity(name: &str) -> Entity<'_> {
        Entity::GroupPolicy(name)
    }

    async fn load_name(ctx: &Ctx<'_>, name: &str) -> ApiResult<String> {
        Ok(load_group(ctx, name).await?.name)
    }

    async fn put(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        policy: &InlinePolicy,
    ) -> StoreResult<()> {
        ctx.state
            .store
            .put_group_policy(account, owner, policy, Self::MAX_INLINE)
            .await
    }

    async fn get(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        ctx.state.store.get_group_policy(account, owner, name).await
    }

    async fn list(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        ctx.state.store.list_group_policies(account, owner).await
    }

    async fn delete(
        ctx: &Ctx<'_>,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<()> {
        ctx.state
            .store
            .delete_group_policy(account, owner, name)
            .await
    }

    fn log_put(account: &AccountId, owner: &str, policy: &str) {
        tracing::info!(account = %account, group = %owner, policy = %policy, "group policy put");
    }

    fn log_deleted(account: &AccountId, owner: &str, policy: &str) {
        tracing::info!(account = %account, group = %owner, policy = %policy, "group policy deleted");
    }
}

/// Put…Policy: add or replace an inline policy, within the owner's
/// aggregate inline-policy size quota.
#[derive(Debug)]
pub struct PutInline<T> {
    owner: String,
    policy: InlinePolicy,
    target: PhantomData<T>,
}

impl<T: Owner> Action for PutInline<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::PUT;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = T::name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        v.finish()?;
        check_policy(&document, PolicyKind::Identity)?;
        Ok(PutInline {
            owner,
            policy: InlinePolicy { name, document },
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::PUT_IAM, &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        T::put(ctx, account, &self.owner, &self.policy)
            .await
            .map_err(|e| store_error(e, T::entity(&self.owner)))?;
        T::log_put(account, &self.owner, &self.policy.name);
        Ok(())
    }
}

/// Get…Policy: one inline policy, its document URL-encoded.
#[derive(Debug)]
pub struct GetInline<T> {
    owner: String,
    name: String,
    target: PhantomData<T>,
}

pub struct GetInlineOutput<T> {
    owner: String,
    name: String,
    document: String,
    target: PhantomData<T>,
}

impl<T: Owner> Render for GetInlineOutput<T> {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf(T::NAME_PARAM, &self.owner)
            .leaf("PolicyName", &self.name)
            .leaf("PolicyDocument", &encode_policy(&self.document));
    }
}

impl<T: Owner> Action for GetInline<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::GET;
    type Output = GetInlineOutput<T>;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = T::name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(GetInline {
            owner,
            name,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::GET_IAM, &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<GetInlineOutput<T>> {
        let account = ctx.account()?;
        let owner = T::load_name(ctx, &self.owner).await?;
        let policy = T::get(ctx, account, &owner, &self.name)
            .await
            .map_err(internal)?
            .ok_or_else(|| store_error(StoreError::NotFound, T::policy_entity(&self.name)))?;
        Ok(GetInlineOutput {
            owner,
            name: policy.name,
            document: policy.document,
            target: PhantomData,
        })
    }
}

/// List…Policies: the names of the owner's inline policies, paginated.
#[derive(Debug)]
pub struct ListInline<T> {
    owner: String,
    page: Page,
    target: PhantomData<T>,
}

pub struct PolicyNames {
    names: Vec<String>,
    marker: Option<String>,
}

impl Render for PolicyNames {
    fn render(&self, w: &mut XmlWriter) {
        w.string_list("PolicyNames", &self.names);
        render_page(w, self.marker.as_deref());
    }
}

impl<T: Owner> Action for ListInline<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::LIST;
    type Output = PolicyNames;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = T::name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(ListInline {
            owner,
            page,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::LIST_IAM, &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<PolicyNames> {
        let account = ctx.account()?;
        let names: Vec<String> = T::list(ctx, account, &self.owner)
            .await
            .map_err(|e| store_error(e, T::entity(&self.owner)))?
            .into_iter()
            .map(|p| p.name)
            .collect();
        let (names, marker) = self.page.apply(names, |n: &String| n.as_str());
        Ok(PolicyNames { names, marker })
    }
}

/// Delete…Policy: remove one inline policy.
#[derive(Debug)]
pub struct DeleteInline<T> {
    owner: String,
    name: String,
    target: PhantomData<T>,
}

impl<T: Owner> Action for DeleteInline<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::DELETE;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = T::name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(DeleteInline {
            owner,
            name,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::DELETE_IAM, &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let owner = T::load_name(ctx, &self.owner).await?;
        T::delete(ctx, account, &owner, &self.name)
            .await
            .map_err(|e| store_error(e, T::policy_entity(&self.name)))?;
        T::log_deleted(account, &owner, &self.name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    fn documents_are_parsed<T: Owner + std::fmt::Debug>() {
        let p = Params::from_pairs([
            (T::NAME_PARAM, "o"),
            ("PolicyName", "p"),
            ("PolicyDocument", "{\"Version\":\"2012-10-17\"}"),
        ])
        .unwrap();
        assert_eq!(
            PutInline::<T>::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
    }

    #[test]
    fn put_documents_are_parsed() {
        documents_are_parsed::<User>();
        documents_are_parsed::<Group>();
    }

    #[test]
    fn renders_owner_member_of_its_kind() {
        let mut w = XmlWriter::new();
        GetInlineOutput::<Group> {
            owner: "g".into(),
            name: "p".into(),
            document: "{}".into(),
            target: PhantomData,
        }
        .render(&mut w);
        let xml = w.into_string();
        assert!(
            xml.starts_with("<GroupName>g</GroupName><PolicyName>p</PolicyName>"),
            "{xml}"
        );
    }

    #[test]
    fn names_match_routes() {
        assert_eq!(
            [
                PutInline::<User>::NAME,
                GetInline::<User>::NAME,
                ListInline::<User>::NAME,
                DeleteInline::<User>::NAME,
                PutInline::<Group>::NAME,
                GetInline::<Group>::NAME,
                ListInline::<Group>::NAME,
                DeleteInline::<Group>::NAME,
            ],
            [
                "PutUserPolicy",
                "GetUserPolicy",
                "ListUserPolicies",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "GetGroupPolicy",
                "ListGroupPolicies",
                "DeleteGroupPolicy",
            ]
        );
    }
}
