//! ListUserTags: a user's tags, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Page, load_user, render_page, render_tags, user_authorization, user_name_param,
};
use crate::store::Tag;

#[derive(Debug)]
pub struct Input {
    name: String,
    page: Page,
}

pub struct Output {
    tags: Vec<Tag>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_tags(w, &self.tags);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListUserTags";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = user_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { name, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:ListUserTags", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let user = load_user(ctx, &self.name).await?;
        let (tags, marker) = self.page.apply(user.tags, |t| t.key.as_str());
        Ok(Output { tags, marker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_empty_tags_and_not_truncated() {
        let mut w = XmlWriter::new();
        Output {
            tags: vec![],
            marker: None,
        }
        .render(&mut w);
        assert_eq!(w.into_string(), "<Tags/><IsTruncated>false</IsTruncated>");
        assert!(Input::from_params(&Params::default()).is_err());
    }
}
