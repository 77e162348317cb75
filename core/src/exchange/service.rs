//! Service records (服务记录): one service an instrument gave a user, in the
//! national platform's field set.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::InstrumentId;
use crate::lang::Text;
use crate::money::Money;

/// Service mode (服务方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// The user operates the instrument (占用).
    Occupancy,
    /// The user operates it under the staff's guidance (技术).
    Technical,
    /// Staff run it for the user (委托).
    Commissioned,
    /// Remote use (远程).
    Remote,
    /// Any other way (其他).
    Other,
}

impl ServiceMode {
    /// All modes with their national labels.
    pub const LABELS: [(ServiceMode, &'static str); 5] = [
        (ServiceMode::Occupancy, "占用"),
        (ServiceMode::Technical, "技术"),
        (ServiceMode::Commissioned, "委托"),
        (ServiceMode::Remote, "远程"),
        (ServiceMode::Other, "其他"),
    ];

    /// Returns the label the national platform uses.
    pub fn label_zh(self) -> &'static str {
        ServiceMode::LABELS.iter().find(|(mode, _)| *mode == self).map_or("其他", |(_, label)| label)
    }
}

/// The user's rating of a service on five levels (用户评价).
// NOTE: the five labels are this library's wording; check them against the
// national platform's code table before uploading ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// 1: very dissatisfied (很不满意).
    VeryDissatisfied,
    /// 2: dissatisfied (不满意).
    Dissatisfied,
    /// 3: neutral (一般).
    Neutral,
    /// 4: satisfied (满意).
    Satisfied,
    /// 5: very satisfied (很满意).
    VerySatisfied,
}

impl Rating {
    /// All ratings from 1 to 5 with their Chinese labels.
    pub const LABELS: [(Rating, &'static str); 5] = [
        (Rating::VeryDissatisfied, "很不满意"),
        (Rating::Dissatisfied, "不满意"),
        (Rating::Neutral, "一般"),
        (Rating::Satisfied, "满意"),
        (Rating::VerySatisfied, "很满意"),
    ];

    /// Returns the Chinese label.
    pub fn label_zh(self) -> &'static str {
        Rating::LABELS.iter().find(|(rating, _)| *rating == self).map_or("一般", |(_, label)| label)
    }

    /// Returns the level from 1 (very dissatisfied) to 5 (very satisfied).
    pub fn level(self) -> u8 {
        match self {
            Rating::VeryDissatisfied => 1,
            Rating::Dissatisfied => 2,
            Rating::Neutral => 3,
            Rating::Satisfied => 4,
            Rating::VerySatisfied => 5,
        }
    }
}

/// One service record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceRecord {
    /// The instrument that gave the service.
    pub instrument: InstrumentId,
    /// Day of the service (服务日期).
    pub date: NaiveDate,
    /// Amount charged (服务金额), in 元.
    pub amount: Money,
    /// Service content (服务内容), at most 200 characters.
    pub content: String,
    /// Service mode.
    pub mode: ServiceMode,
    /// Machine hours (服务机时), if counted in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Decimal>,
    /// Samples (服务样品数), if counted in samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// Funding source of the user (经费来源), such as a project name; may be empty.
    #[serde(default)]
    pub funding_source: String,
    /// The user's unit (用户单位), at most 100 characters.
    pub user_unit: String,
    /// The user's rating, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// The user's contact person and telephone: personal data, never exported
    /// to the national platform.
    #[serde(default)]
    pub user_contact: String,
}

/// Length limits of service record fields, in characters.
pub const SERVICE_FIELD_LIMITS: [(&str, usize); 4] =
    [("content", 200), ("funding_source", 200), ("user_unit", 100), ("user_contact", 100)];

impl ServiceRecord {
    fn text_field(&self, name: &str) -> &str {
        match name {
            "content" => &self.content,
            "funding_source" => &self.funding_source,
            "user_unit" => &self.user_unit,
            "user_contact" => &self.user_contact,
            _ => "",
        }
    }

    /// Returns every violation of the field rules, in field order: empty
    /// content or user unit, a field over its length limit, or neither
    /// hours nor samples given.
    pub fn violations(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        for field in ["content", "user_unit"] {
            if self.text_field(field).trim().is_empty() {
                errors.push(Error::Missing { field: field.to_owned() });
            }
        }
        for (field, max_chars) in SERVICE_FIELD_LIMITS {
            let actual_chars = self.text_field(field).chars().count();
            if actual_chars > max_chars {
                errors.push(Error::TooLong { field: field.to_owned(), max_chars, actual_chars });
            }
        }
        if self.hours.is_none() && self.samples.is_none() {
            errors.push(Error::invalid_value(
                "hours",
                "",
                Text::new("服务机时或服务样品数，至少填写一项", "machine hours or samples: give at least one"),
            ));
        }
        errors
    }
}
