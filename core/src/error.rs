//! The one error type of the crate (错误).
//!
//! Every public operation returns `Result<_, Error>`. Each variant has a
//! stable [`Error::code`] that callers may match on, a [`Error::category`]
//! that the Python and Kotlin bindings turn into exception classes, and a
//! message in Chinese and English that names the field, the value and the fix.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Text};

/// A kind of record that an id can name, used in not-found and conflict errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Entity {
    /// Member unit (网员单位).
    Unit,
    /// Instrument (仪器设备).
    Instrument,
    /// Usage report line (使用情况).
    UsageReport,
    /// Booking (预约).
    Booking,
    /// Subsidy application (补贴申请).
    Application,
    /// Service record (服务记录).
    ServiceRecord,
    /// Rule set (细则).
    RuleSet,
    /// Enterprise (企业).
    Enterprise,
    /// Innovation voucher (创新券).
    Voucher,
    /// Calendar year data (节假日数据).
    CalendarYear,
    /// Report on the use of a subsidy (仪器设备使用情况表).
    SubsidyUseReport,
    /// A year's subsidy allocation (补贴分配).
    Allocation,
    /// Fund year (专项资金年度).
    FundYear,
    /// Fund ledger entry (资金台账记录).
    LedgerEntry,
    /// Innovation-voucher application (创新券申请).
    VoucherApplication,
    /// Service paid with innovation vouchers (用券服务).
    ServiceUse,
    /// Recurring booking (周期预约).
    BookingSeries,
    /// Waitlist entry (候补).
    WaitlistEntry,
    /// Instrument blackout (停机时段).
    Blackout,
    /// Any other record.
    Record,
}

impl Entity {
    /// Returns the name of the kind of record in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Entity::Unit => ("网员单位", "member unit"),
            Entity::Instrument => ("仪器设备", "instrument"),
            Entity::UsageReport => ("使用情况报告", "usage report"),
            Entity::Booking => ("预约", "booking"),
            Entity::Application => ("补贴申请", "subsidy application"),
            Entity::ServiceRecord => ("服务记录", "service record"),
            Entity::RuleSet => ("细则", "rule set"),
            Entity::Enterprise => ("企业", "enterprise"),
            Entity::Voucher => ("创新券", "innovation voucher"),
            Entity::CalendarYear => ("节假日年度数据", "calendar year"),
            Entity::SubsidyUseReport => ("补贴使用情况表", "subsidy-use report"),
            Entity::Allocation => ("补贴分配", "subsidy allocation"),
            Entity::FundYear => ("专项资金年度", "fund year"),
            Entity::LedgerEntry => ("资金台账记录", "ledger entry"),
            Entity::VoucherApplication => ("创新券申请", "voucher application"),
            Entity::ServiceUse => ("用券服务", "voucher-paid service"),
            Entity::BookingSeries => ("周期预约", "recurring booking"),
            Entity::WaitlistEntry => ("候补", "waitlist entry"),
            Entity::Blackout => ("停机时段", "blackout"),
            Entity::Record => ("记录", "record"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Reason an amount of money was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum AmountProblem {
    /// The amount is below zero.
    Negative,
    /// The amount has more decimal places than the unit allows.
    TooPrecise {
        /// Decimal places found.
        places: u32,
        /// Decimal places allowed: 2 in 元 (one fen), 6 in 万元.
        allowed: u32,
    },
    /// The text is not a number.
    NotANumber,
    /// The amount exceeds [`crate::Money::MAX`].
    OutOfRange,
}

impl AmountProblem {
    fn text(self) -> Text {
        match self {
            AmountProblem::Negative => Text::new(
                "金额不能为负数；请输入 0 或正数",
                "amounts cannot be negative; enter 0 or more",
            ),
            AmountProblem::TooPrecise { places, allowed } => Text::new(
                format!("有 {places} 位小数，最多允许 {allowed} 位（精确到分）；请先四舍五入"),
                format!(
                    "it has {places} decimal places but at most {allowed} are allowed (one fen); round it first"
                ),
            ),
            AmountProblem::NotANumber => Text::new(
                "不是数字；请写成 1234.50、1,234.50元 或 68万元 的形式",
                "not a number; write it like 1234.50, 1,234.50元 or 68万元",
            ),
            AmountProblem::OutOfRange => Text::new(
                "超出允许范围，最大为 999,999,999,999,999.99 元",
                "out of range; the maximum is 999,999,999,999,999.99 元",
            ),
        }
    }
}

/// A broad class of error, mirrored by the exception classes of the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The caller passed a value that is malformed or out of range.
    InvalidInput,
    /// An id names no record.
    NotFound,
    /// The actor's role does not allow the action.
    PermissionDenied,
    /// The action does not fit the current state (a duplicate, a wrong
    /// workflow state, a booking conflict, a rule that the request breaks).
    Conflict,
    /// Stored data failed an integrity check.
    Integrity,
}

/// The error type of every fallible operation in `labshare`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// An amount of money could not be accepted.
    #[error("{}", self.message(Lang::En))]
    InvalidAmount {
        /// Field or argument name.
        field: String,
        /// The rejected input as given.
        value: String,
        /// The problem found.
        problem: AmountProblem,
    },

    /// An arithmetic result left the range of its type.
    #[error("{}", self.message(Lang::En))]
    Overflow {
        /// The operation that overflowed, such as `sum of audited amounts`.
        operation: String,
    },

    /// A value is malformed or outside its allowed set.
    #[error("{}", self.message(Lang::En))]
    InvalidValue {
        /// Field or argument name.
        field: String,
        /// The rejected input as given.
        value: String,
        /// Description of a valid value.
        expected: Text,
    },

    /// A text field is longer than its limit in characters.
    #[error("{}", self.message(Lang::En))]
    TooLong {
        /// Field name.
        field: String,
        /// Limit in characters (Unicode scalar values).
        max_chars: usize,
        /// Length of the rejected value in characters.
        actual_chars: usize,
    },

    /// A required field is empty or absent.
    #[error("{}", self.message(Lang::En))]
    Missing {
        /// Field name.
        field: String,
    },

    /// An id names no record of its kind.
    #[error("{}", self.message(Lang::En))]
    NotFound {
        /// Kind of record.
        entity: Entity,
        /// The id that was looked up.
        id: String,
    },

    /// A record with this id exists already.
    #[error("{}", self.message(Lang::En))]
    AlreadyExists {
        /// Kind of record.
        entity: Entity,
        /// The duplicate id.
        id: String,
    },

    /// The actor's role does not allow the action.
    #[error("{}", self.message(Lang::En))]
    PermissionDenied {
        /// The actor's id.
        actor: String,
        /// The action, such as `publish_instrument`.
        action: String,
        /// The role that may take the action instead.
        reason: Text,
    },

    /// The record is in a state that does not allow the action.
    #[error("{}", self.message(Lang::En))]
    InvalidState {
        /// Kind of record.
        entity: Entity,
        /// Id of the record.
        id: String,
        /// The record's current state, such as `published`.
        state: String,
        /// The action that was attempted.
        action: String,
    },

    /// A request breaks a rule of the rule set in force.
    #[error("{}", self.message(Lang::En))]
    RuleViolation {
        /// Stable name of the rule, such as `booking.min_notice`.
        rule: String,
        /// The broken condition and how to comply.
        detail: Text,
    },

    /// Stored data failed an integrity check.
    #[error("{}", self.message(Lang::En))]
    Corrupt {
        /// Location of the problem, such as `line 12`.
        location: String,
        /// The problem found.
        detail: Text,
    },
}

impl Error {
    /// Returns the stable machine-readable code, such as `invalid_amount`.
    ///
    /// Codes never change between versions; match on them rather than on
    /// message text.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidAmount { .. } => "invalid_amount",
            Error::Overflow { .. } => "overflow",
            Error::InvalidValue { .. } => "invalid_value",
            Error::TooLong { .. } => "too_long",
            Error::Missing { .. } => "missing",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyExists { .. } => "already_exists",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::InvalidState { .. } => "invalid_state",
            Error::RuleViolation { .. } => "rule_violation",
            Error::Corrupt { .. } => "corrupt",
        }
    }

    /// Returns the broad class of the error.
    pub fn category(&self) -> Category {
        match self {
            Error::InvalidAmount { .. }
            | Error::Overflow { .. }
            | Error::InvalidValue { .. }
            | Error::TooLong { .. }
            | Error::Missing { .. } => Category::InvalidInput,
            Error::NotFound { .. } => Category::NotFound,
            Error::PermissionDenied { .. } => Category::PermissionDenied,
            Error::AlreadyExists { .. } | Error::InvalidState { .. } | Error::RuleViolation { .. } => {
                Category::Conflict
            }
            Error::Corrupt { .. } => Category::Integrity,
        }
    }

    /// Returns the field or argument that the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidAmount { field, .. }
            | Error::InvalidValue { field, .. }
            | Error::TooLong { field, .. }
            | Error::Missing { field } => Some(field),
            _ => None,
        }
    }

    /// Returns the name of the rule that an [`Error::RuleViolation`] breaks,
    /// such as `booking.quota`, or `None` for every other error.
    ///
    /// Branch on this name rather than on the message text, which may change.
    pub fn rule_name(&self) -> Option<&str> {
        match self {
            Error::RuleViolation { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// Returns the message in `lang`: what failed, on which value, and the fix.
    pub fn message(&self, lang: Lang) -> String {
        let text = self.text();
        text.get(lang).to_owned()
    }

    /// Returns the message in Chinese and English.
    pub fn text(&self) -> Text {
        match self {
            Error::InvalidAmount { field, value, problem } => {
                let why = problem.text();
                Text::new(
                    format!("字段 `{field}` 的金额 {value:?} 无效：{}", why.zh),
                    format!("invalid amount for `{field}`: {value:?}: {}", why.en),
                )
            }
            Error::Overflow { operation } => Text::new(
                format!("计算溢出：{operation}；请检查输入数额是否过大"),
                format!("arithmetic overflow in {operation}; check for amounts that are too large"),
            ),
            Error::InvalidValue { field, value, expected } => Text::new(
                format!("字段 `{field}` 的值 {value:?} 无效；应为 {}", expected.zh),
                format!("invalid value for `{field}`: {value:?}; expected {}", expected.en),
            ),
            Error::TooLong { field, max_chars, actual_chars } => Text::new(
                format!("字段 `{field}` 过长：{actual_chars} 个字符，最多 {max_chars} 个；请缩短"),
                format!(
                    "`{field}` is too long: {actual_chars} characters, at most {max_chars} allowed; shorten it"
                ),
            ),
            Error::Missing { field } => Text::new(
                format!("缺少必填字段 `{field}`；请填写"),
                format!("missing required field `{field}`; fill it in"),
            ),
            Error::NotFound { entity, id } => Text::new(
                format!("未找到{} {id:?}；请检查编号或先登记", entity.name(Lang::Zh)),
                format!("{} {id:?} not found; check the id or register it first", entity.name(Lang::En)),
            ),
            Error::AlreadyExists { entity, id } => Text::new(
                format!("{} {id:?} 已存在；请换一个编号", entity.name(Lang::Zh)),
                format!("{} {id:?} already exists; use another id", entity.name(Lang::En)),
            ),
            Error::PermissionDenied { actor, action, reason } => Text::new(
                format!("用户 {actor:?} 无权执行 {action}：{}", reason.zh),
                format!("actor {actor:?} may not {action}: {}", reason.en),
            ),
            Error::InvalidState { entity, id, state, action } => Text::new(
                format!(
                    "{} {id:?} 当前状态为 {state}，不能执行 {action}",
                    entity.name(Lang::Zh)
                ),
                format!(
                    "cannot {action} {} {id:?} in state {state}",
                    entity.name(Lang::En)
                ),
            ),
            Error::RuleViolation { rule, detail } => Text::new(
                format!("违反规则 {rule}：{}", detail.zh),
                format!("rule {rule} violated: {}", detail.en),
            ),
            Error::Corrupt { location, detail } => Text::new(
                format!("数据校验失败（{location}）：{}", detail.zh),
                format!("integrity check failed at {location}: {}", detail.en),
            ),
        }
    }

    /// Builds an [`Error::InvalidAmount`].
    pub fn invalid_amount(field: &str, value: impl ToString, problem: AmountProblem) -> Error {
        Error::InvalidAmount { field: field.to_owned(), value: value.to_string(), problem }
    }

    /// Builds an [`Error::InvalidValue`].
    pub fn invalid_value(field: &str, value: impl ToString, expected: Text) -> Error {
        Error::InvalidValue { field: field.to_owned(), value: value.to_string(), expected }
    }

    /// Builds an [`Error::NotFound`].
    pub fn not_found(entity: Entity, id: impl ToString) -> Error {
        Error::NotFound { entity, id: id.to_string() }
    }

    /// Builds an [`Error::Overflow`].
    pub fn overflow(operation: &str) -> Error {
        Error::Overflow { operation: operation.to_owned() }
    }

    /// Builds an [`Error::RuleViolation`].
    pub fn rule(rule: &str, detail: Text) -> Error {
        Error::RuleViolation { rule: rule.to_owned(), detail }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_name_of_rule_violation() {
        let error = Error::rule("voucher.share", Text::new("超过比例", "over the share"));

        assert_eq!(error.rule_name(), Some("voucher.share"));
    }

    #[test]
    fn rule_name_of_other_errors_is_none() {
        let errors = [
            Error::invalid_amount("fee", "-1", AmountProblem::Negative),
            Error::not_found(Entity::Booking, "7"),
            Error::PermissionDenied {
                actor: "user-7".to_owned(),
                action: "publish_instrument".to_owned(),
                reason: Text::new("仅管理员可发布", "only an administrator may publish"),
            },
            Error::InvalidState {
                entity: Entity::Booking,
                id: "7".to_owned(),
                state: "cancelled".to_owned(),
                action: "confirm".to_owned(),
            },
        ];

        for error in errors {
            assert_eq!(error.rule_name(), None, "{error:?}");
        }
    }
}
