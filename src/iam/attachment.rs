//! Attach/Detach/ListAttached User/Group/Role policies and Put/Delete
//! User/Role permissions boundaries: one implementation each, parameterised
//! by the entity kind ([`Target`], [`Bounded`]); the action modules name the
//! instances.

use std::marker::PhantomData;

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, StrRule, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, check_boundary_arn};
use crate::iam::managed::{
    AttachedPolicy, attach, check_policy_arn, detach, list_attached, policy_arn_param,
    policy_path_param, render_attached, set_boundary,
};
use crate::store::EntityKind;

/// An entity kind managed policies attach to, with its parameter and the
/// names of its actions.
pub trait Target {
    const KIND: EntityKind;
    /// `UserName`, `GroupName` or `RoleName`.
    const NAME_PARAM: &'static str;
    const NAME_RULE: StrRule;
    const ATTACH: &'static str;
    const ATTACH_IAM: &'static str;
    const DETACH: &'static str;
    const DETACH_IAM: &'static str;
    const LIST: &'static str;
    const LIST_IAM: &'static str;
}

#[derive(Debug)]
pub struct User;
#[derive(Debug)]
pub struct Group;
#[derive(Debug)]
pub struct Role;

impl Target for User {
    const KIND: EntityKind = EntityKind::User;
    const NAME_PARAM: &'static str = "UserName";
    const NAME_RULE: StrRule = validate::USER_NAME;
    const ATTACH: &'static str = "AttachUserPolicy";
    const ATTACH_IAM: &'static str = "iam:AttachUserPolicy";
    const DETACH: &'static str = "DetachUserPolicy";
    const DETACH_IAM: &'static str = "iam:DetachUserPolicy";
    const LIST: &'static str = "ListAttachedUserPolicies";
    const LIST_IAM: &'static str = "iam:ListAttachedUserPolicies";
}

impl Target for Group {
    const KIND: EntityKind = EntityKind::Group;
    const NAME_PARAM: &'static str = "GroupName";
    const NAME_RULE: StrRule = validate::GROUP_NAME;
    const ATTACH: &'static str = "AttachGroupPolicy";
    const ATTACH_IAM: &'static str = "iam:AttachGroupPolicy";
    const DETACH: &'static str = "DetachGroupPolicy";
    const DETACH_IAM: &'static str = "iam:DetachGroupPolicy";
    const LIST: &'static str = "ListAttachedGroupPolicies";
    const LIST_IAM: &'static str = "iam:ListAttachedGroupPolicies";
}

impl Target for Role {
    const KIND: EntityKind = EntityKind::Role;
    const NAME_PARAM: &'static str = "RoleName";
    const NAME_RULE: StrRule = validate::ROLE_NAME;
    const ATTACH: &'static str = "AttachRolePolicy";
    const ATTACH_IAM: &'static str = "iam:AttachRolePolicy";
    const DETACH: &'static str = "DetachRolePolicy";
    const DETACH_IAM: &'static str = "iam:DetachRolePolicy";
    const LIST: &'static str = "ListAttachedRolePolicies";
    const LIST_IAM: &'static str = "iam:ListAttachedRolePolicies";
}

/// The entity's name, validated with its kind's rule.
fn entity_param<T: Target>(v: &mut Validator, params: &Params) -> String {
    v.required(params, T::NAME_PARAM, &T::NAME_RULE).to_string()
}

/// Attach (`DETACH == false`) or detach (`true`) a managed policy.
#[derive(Debug)]
pub struct Change<T, const DETACH: bool> {
    entity: String,
    arn: String,
    target: PhantomData<T>,
}

pub type Attach<T> = Change<T, false>;
pub type Detach<T> = Change<T, true>;

impl<T: Target, const DETACH: bool> Action for Change<T, DETACH> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = if DETACH { T::DETACH } else { T::ATTACH };
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = entity_param::<T>(&mut v, params);
        let arn = policy_arn_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Change {
            entity,
            arn,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: if DETACH { T::DETACH_IAM } else { T::ATTACH_IAM },
            entity: T::KIND,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        if DETACH {
            detach(ctx, T::KIND, &self.entity, &self.arn).await
        } else {
            attach(ctx, T::KIND, &self.entity, &self.arn).await
        }
    }
}

/// The managed policies attached to the entity, under a path prefix, paginated.
#[derive(Debug)]
pub struct ListAttached<T> {
    entity: String,
    path_prefix: String,
    page: Page,
    target: PhantomData<T>,
}

pub struct ListAttachedOutput {
    policies: Vec<AttachedPolicy>,
    marker: Option<String>,
}

impl Render for ListAttachedOutput {
    fn render(&self, w: &mut XmlWriter) {
        render_attached(w, &self.policies, self.marker.as_deref());
    }
}

impl<T: Target> Action for ListAttached<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::LIST;
    type Output = ListAttachedOutput;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = entity_param::<T>(&mut v, params);
        let path_prefix = policy_path_param(&mut v, params, "PathPrefix");
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(ListAttached {
            entity,
            path_prefix,
            page,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: T::LIST_IAM,
            entity: T::KIND,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<ListAttachedOutput> {
        let (policies, marker) =
            list_attached(ctx, T::KIND, &self.entity, &self.path_prefix, &self.page).await?;
        Ok(ListAttachedOutput { policies, marker })
    }
}

/// An entity kind that takes a permissions boundary (users and roles).
pub trait Bounded: Target {
    const PUT_BOUNDARY: &'static str;
    const PUT_BOUNDARY_IAM: &'static str;
    const DELETE_BOUNDARY: &'static str;
    const DELETE_BOUNDARY_IAM: &'static str;
}

impl Bounded for User {
    const PUT_BOUNDARY: &'static str = "PutUserPermissionsBoundary";
    const PUT_BOUNDARY_IAM: &'static str = "iam:PutUserPermissionsBoundary";
    const DELETE_BOUNDARY: &'static str = "DeleteUserPermissionsBoundary";
    const DELETE_BOUNDARY_IAM: &'static str = "iam:DeleteUserPermissionsBoundary";
}

impl Bounded for Role {
    const PUT_BOUNDARY: &'static str = "PutRolePermissionsBoundary";
    const PUT_BOUNDARY_IAM: &'static str = "iam:PutRolePermissionsBoundary";
    const DELETE_BOUNDARY: &'static str = "DeleteRolePermissionsBoundary";
    const DELETE_BOUNDARY_IAM: &'static str = "iam:DeleteRolePermissionsBoundary";
}

/// Put…PermissionsBoundary: cap the entity's permissions with a managed
/// policy (the account's or AWS's).
#[derive(Debug)]
pub struct PutBoundary<T> {
    entity: String,
    arn: String,
    target: PhantomData<T>,
}

impl<T: Bounded> Action for PutBoundary<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::PUT_BOUNDARY;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = entity_param::<T>(&mut v, params);
        let arn = v
            .required(params, "PermissionsBoundary", &validate::ARN)
            .to_string();
        v.finish()?;
        check_boundary_arn(&arn)?;
        Ok(PutBoundary {
            entity,
            arn,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: T::PUT_BOUNDARY_IAM,
            entity: T::KIND,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        set_boundary(ctx, T::KIND, &self.entity, Some(&self.arn)).await
    }
}

/// Delete…PermissionsBoundary: remove the entity's permissions boundary (a
/// no-op when it has none).
#[derive(Debug)]
pub struct DeleteBoundary<T> {
    entity: String,
    target: PhantomData<T>,
}

impl<T: Bounded> Action for DeleteBoundary<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::DELETE_BOUNDARY;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = entity_param::<T>(&mut v, params);
        v.finish()?;
        Ok(DeleteBoundary {
            entity,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: T::DELETE_BOUNDARY_IAM,
            entity: T::KIND,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        set_boundary(ctx, T::KIND, &self.entity, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    fn parses_members<A: Action + std::fmt::Debug, T: Target>(iam_action: &'static str) {
        let p = Params::from_pairs([
            (T::NAME_PARAM, "x"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ])
        .unwrap();
        let i = A::from_params(&p).unwrap();
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::AllowEntity {
                action: iam_action,
                entity: T::KIND,
                name: "x".into()
            }
        );
        let p = Params::from_pairs([
            (T::NAME_PARAM, "x"),
            ("PolicyArn", "arn:aws:iam::123456789012:role/r"),
        ])
        .unwrap();
        assert_eq!(
            A::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let e = A::from_params(&Params::default()).unwrap_err();
        assert!(
            e.message.starts_with("2 validation errors detected"),
            "{}",
            e.message
        );
    }

    #[test]
    fn attach_and_detach_parse_members() {
        parses_members::<Attach<User>, User>("iam:AttachUserPolicy");
        parses_members::<Attach<Group>, Group>("iam:AttachGroupPolicy");
        parses_members::<Attach<Role>, Role>("iam:AttachRolePolicy");
        parses_members::<Detach<User>, User>("iam:DetachUserPolicy");
        parses_members::<Detach<Group>, Group>("iam:DetachGroupPolicy");
        parses_members::<Detach<Role>, Role>("iam:DetachRolePolicy");
    }

    fn list_parses_members<T: Target + std::fmt::Debug>() {
        let p = Params::from_pairs([
            (T::NAME_PARAM, "x"),
            ("PathPrefix", "/a/"),
            ("MaxItems", "2"),
        ])
        .unwrap();
        let i = ListAttached::<T>::from_params(&p).unwrap();
        assert_eq!((i.path_prefix.as_str(), i.page.max_items), ("/a/", 2));
        let e = ListAttached::<T>::from_params(
            &Params::from_pairs([(T::NAME_PARAM, "x"), ("PathPrefix", "/a")]).unwrap(),
        )
        .unwrap_err();
        assert!(e.message.contains("'pathPrefix'"), "{}", e.message);
    }

    #[test]
    fn list_attached_parses_members() {
        list_parses_members::<User>();
        list_parses_members::<Group>();
        list_parses_members::<Role>();
    }

    fn boundary_must_be_a_policy_arn<T: Bounded + std::fmt::Debug>() {
        let p = Params::from_pairs([
            (T::NAME_PARAM, "x"),
            ("PermissionsBoundary", "arn:aws:iam::123456789012:role/x"),
        ])
        .unwrap();
        assert_eq!(
            PutBoundary::<T>::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let e = PutBoundary::<T>::from_params(&Params::default()).unwrap_err();
        assert!(e.message.contains("'permissionsBoundary'"), "{}", e.message);
    }

    fn boundary_name_is_required<T: Bounded + std::fmt::Debug>() {
        assert!(DeleteBoundary::<T>::from_params(&Params::default()).is_err());
        let i =
            DeleteBoundary::<T>::from_params(&Params::from_pairs([(T::NAME_PARAM, "x")]).unwrap())
                .unwrap();
        assert_eq!(i.entity, "x");
    }

    #[test]
    fn boundaries_parse_members() {
        boundary_must_be_a_policy_arn::<User>();
        boundary_must_be_a_policy_arn::<Role>();
        boundary_name_is_required::<User>();
        boundary_name_is_required::<Role>();
    }

    #[test]
    fn names_match_routes() {
        assert_eq!(
            [
                Attach::<User>::NAME,
                Attach::<Group>::NAME,
                Attach::<Role>::NAME,
                Detach::<User>::NAME,
                Detach::<Group>::NAME,
                Detach::<Role>::NAME,
                ListAttached::<User>::NAME,
                ListAttached::<Group>::NAME,
                ListAttached::<Role>::NAME,
                PutBoundary::<User>::NAME,
                PutBoundary::<Role>::NAME,
                DeleteBoundary::<User>::NAME,
                DeleteBoundary::<Role>::NAME,
            ],
            [
                "AttachUserPolicy",
                "AttachGroupPolicy",
                "AttachRolePolicy",
                "DetachUserPolicy",
                "DetachGroupPolicy",
                "DetachRolePolicy",
                "ListAttachedUserPolicies",
                "ListAttachedGroupPolicies",
                "ListAttachedRolePolicies",
                "PutUserPermissionsBoundary",
                "PutRolePermissionsBoundary",
                "DeleteUserPermissionsBoundary",
                "DeleteRolePermissionsBoundary",
            ]
        );
    }
}
