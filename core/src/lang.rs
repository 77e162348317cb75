//! Languages of user-facing text (用户可见文本的语言).
//!
//! The office works in Chinese, so every message, label and explanation is
//! produced in Simplified Chinese and in English. [`Text`] carries both.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A language that user-facing text is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Simplified Chinese (简体中文), the default for the office.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses a language tag such as `zh`, `zh-CN`, `en` or `en-US`.
    ///
    /// # Errors
    ///
    /// Returns [`crate::Error::InvalidValue`] for any other tag.
    ///
    /// # Example
    ///
    /// ```
    /// use labshare::Lang;
    /// assert_eq!(Lang::parse("zh-CN")?, Lang::Zh);
    /// assert_eq!(Lang::parse("en")?, Lang::En);
    /// # Ok::<(), labshare::Error>(())
    /// ```
    pub fn parse(tag: &str) -> Result<Lang, crate::Error> {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh-") || lower.starts_with("zh_") {
            return Ok(Lang::Zh);
        }
        if lower == "en" || lower.starts_with("en-") || lower.starts_with("en_") {
            return Ok(Lang::En);
        }
        Err(crate::Error::invalid_value(
            "lang",
            tag,
            Text::new("zh 或 en", "`zh` or `en`"),
        ))
    }
}

/// A piece of user-facing text in Simplified Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Creates a text from its Chinese and English forms.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// Returns the form for `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A step-by-step account of how an amount was computed (计算说明).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The steps in order, each in Chinese and English.
    pub steps: Vec<Text>,
}

impl Explanation {
    /// Appends a step.
    pub fn push(&mut self, zh: impl Into<String>, en: impl Into<String>) {
        self.steps.push(Text::new(zh, en));
    }

    /// Renders the steps in `lang`, one numbered line each.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        for (i, step) in self.steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step.get(lang)));
        }
        out
    }
}
