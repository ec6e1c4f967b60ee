//! Attach/DetachUserPolicy, …GroupPolicy, …RolePolicy: one implementation,
//! parameterised by the entity kind ([`Target`]); the action modules name the
//! instances.

use std::marker::PhantomData;

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, StrRule, Validator};
use crate::core::xml::Service;
use crate::iam::managed::{attach, check_policy_arn, detach, policy_arn_param};
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
}

impl Target for Group {
    const KIND: EntityKind = EntityKind::Group;
    const NAME_PARAM: &'static str = "GroupName";
    const NAME_RULE: StrRule = validate::GROUP_NAME;
    const ATTACH: &'static str = "AttachGroupPolicy";
    const ATTACH_IAM: &'static str = "iam:AttachGroupPolicy";
    const DETACH: &'static str = "DetachGroupPolicy";
    const DETACH_IAM: &'static str = "iam:DetachGroupPolicy";
}

impl Target for Role {
    const KIND: EntityKind = EntityKind::Role;
    const NAME_PARAM: &'static str = "RoleName";
    const NAME_RULE: StrRule = validate::ROLE_NAME;
    const ATTACH: &'static str = "AttachRolePolicy";
    const ATTACH_IAM: &'static str = "iam:AttachRolePolicy";
    const DETACH: &'static str = "DetachRolePolicy";
    const DETACH_IAM: &'static str = "iam:DetachRolePolicy";
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
            ],
            [
                "AttachUserPolicy",
                "AttachGroupPolicy",
                "AttachRolePolicy",
                "DetachUserPolicy",
                "DetachGroupPolicy",
                "DetachRolePolicy",
            ]
        );
    }
}
