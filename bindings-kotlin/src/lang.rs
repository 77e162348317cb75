//! User-facing text in Chinese and English (用户可见文本) and step-by-step
//! explanations of computed amounts.

use labshare::{Lang, lang as core};

/// A language that user-facing text is available in.
#[uniffi::remote(Enum)]
pub enum Lang {
    /// Simplified Chinese (简体中文), the default for the office.
    Zh,
    /// English.
    En,
}

/// A piece of user-facing text in Simplified Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl From<labshare::Text> for Text {
    fn from(text: labshare::Text) -> Text {
        Text {
            zh: text.zh,
            en: text.en,
        }
    }
}

/// A step-by-step account of how an amount was computed (计算说明).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Explanation {
    /// The steps in order, each in Chinese and English.
    pub steps: Vec<Text>,
}

impl From<core::Explanation> for Explanation {
    fn from(explanation: core::Explanation) -> Explanation {
        Explanation {
            steps: explanation.steps.into_iter().map(Text::from).collect(),
        }
    }
}

#[uniffi::export]
impl Explanation {
    /// Renders the steps in `lang`, one numbered line each.
    pub fn render(&self, lang: Lang) -> String {
        let steps = self
            .steps
            .iter()
            .map(|step| labshare::Text::new(&step.zh, &step.en))
            .collect();
        core::Explanation { steps }.render(lang)
    }
}
