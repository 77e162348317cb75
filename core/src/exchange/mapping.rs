//! Mapping of spreadsheet columns to record fields (表头映射).
//!
//! Built-in headers cover the names offices and the national reporting tool
//! use (仪器名称, 原值（万元）, 启用日期, …) and the English field names. A
//! [`Mapping`] adds an office's own headers and settings. Headers match
//! after full-width characters are converted, spaces and a required-field
//! mark `*` are removed, and a bracketed unit such as `（万元）` is taken off;
//! that unit then applies to the column's amounts.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::UnitId;
use crate::lang::Text;

use super::cells::half_width;

/// The unit amounts are written in (金额单位).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// 元.
    #[default]
    Yuan,
    /// 万元 (10,000 元).
    Wan,
}

/// Settings of one import: extra headers, the default money unit, and where
/// the headers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Mapping {
    /// Extra headers, each mapped to a field name such as `original_value`.
    /// They take precedence over the built-in headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Whether the built-in Chinese and English headers apply as well.
    #[serde(default = "default_true")]
    pub builtin_headers: bool,
    /// Unit of amounts whose header and cell name no unit.
    #[serde(default)]
    pub money_unit: MoneyUnit,
    /// The 1-based row of the headers. When absent, the importer picks the
    /// row among the first 20 that matches the most headers.
    #[serde(default)]
    pub header_row: Option<u32>,
    /// The XLSX sheet to read; the first sheet when absent.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The unit for rows of an instrument list without a unit column.
    #[serde(default)]
    pub default_unit: Option<UnitId>,
}

fn default_true() -> bool {
    true
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            headers: BTreeMap::new(),
            builtin_headers: true,
            money_unit: MoneyUnit::Yuan,
            header_row: None,
            sheet: None,
            default_unit: None,
        }
    }
}

/// One field a column can fill.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldDef {
    pub name: &'static str,
    pub required: bool,
    /// Built-in headers, already in matching form; the first is the one
    /// the exports write.
    pub headers: &'static [&'static str],
}

const fn field(name: &'static str, required: bool, headers: &'static [&'static str]) -> FieldDef {
    FieldDef { name, required, headers }
}

/// Fields of an instrument list.
pub(crate) const INSTRUMENT_FIELDS: [FieldDef; 22] = [
    field("instrument", true, &["仪器编号", "内部编号", "仪器设备编号", "编号", "instrument", "instrument_id", "id"]),
    field("unit", true, &["单位编号", "网员单位编号", "所属单位编号", "unit", "unit_id"]),
    field("name", true, &["仪器名称", "仪器设备名称", "中文名称", "名称", "name"]),
    field("english_name", false, &["英文名称", "english_name"]),
    field("category_code", true, &["分类代码", "分类编码", "仪器分类代码", "category_code"]),
    field("source", true, &["仪器来源", "来源", "资产来源", "source"]),
    field("original_value", true, &["原值", "仪器原值", "资产原值", "original_value"]),
    field("country_of_origin", true, &["产地国别", "产地国家", "国别", "产地", "country_of_origin"]),
    field("manufacturer", true, &["生产制造商", "制造商", "生产厂家", "生产厂商", "manufacturer"]),
    field("model", true, &["规格型号", "型号", "model"]),
    field("commissioning_date", true, &["启用日期", "启用时间", "投入使用日期", "commissioning_date"]),
    field("specifications", true, &["主要技术指标", "技术指标", "specifications"]),
    field("functions", true, &["主要功能", "主要功能及特色", "functions"]),
    field("disciplines", false, &["服务学科领域", "学科领域", "主要学科领域", "disciplines"]),
    field("service_content", false, &["服务内容", "主要服务内容", "service_content"]),
    field("operating_status", true, &["运行状态", "operating_status"]),
    field("sharing_mode", true, &["共享模式", "共享方式", "sharing_mode"]),
    field("sharing_rules", false, &["开放共享规定", "共享规定", "开放共享制度", "sharing_rules"]),
    field("fee_standard", false, &["收费标准", "参考收费标准", "fee_standard"]),
    field("booking_url", false, &["预约网址", "预约地址", "booking_url"]),
    field("location", true, &["安放地址", "安放地点", "存放地点", "location"]),
    field("contact", false, &["联系人", "联系人及电话", "联系方式", "contact"]),
];

/// Fields of a list of service records.
pub(crate) const SERVICE_FIELDS: [FieldDef; 11] = [
    field("instrument", true, &["仪器编号", "内部编号", "instrument", "instrument_id"]),
    field("date", true, &["服务日期", "日期", "date"]),
    field("amount", true, &["服务金额", "金额", "收费金额", "amount"]),
    field("content", true, &["服务内容", "content"]),
    field("mode", true, &["服务方式", "服务类型", "mode"]),
    field("hours", false, &["服务机时", "机时", "hours"]),
    field("samples", false, &["服务样品数", "样品数", "samples"]),
    field("funding_source", false, &["经费来源", "funding_source"]),
    field("user_unit", true, &["用户单位", "服务对象", "user_unit"]),
    field("rating", false, &["用户评价", "评价", "rating"]),
    field("user_contact", false, &["用户联系人", "用户联系方式", "user_contact"]),
];

/// Headers that the exports write for reading by people only; an import
/// lists them as recognised but does not read them.
pub(crate) const INFORMATIONAL_HEADERS: [&str; 4] = ["所属单位", "提交状态", "序号", "submit_state"];

/// Returns the normalised form of a header and the money unit it names, if any.
pub(crate) fn header_key(header: &str) -> (String, Option<MoneyUnit>) {
    let text: String = half_width(header).chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
    let unit = if text.contains("万元") {
        Some(MoneyUnit::Wan)
    } else if text.contains("(元)") || text.ends_with('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    };
    let mut key = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 => key.push(c),
            _ => {}
        }
    }
    let key = key.strip_suffix("万元").or_else(|| key.strip_suffix('元')).unwrap_or(&key).to_lowercase();
    (key, unit)
}

/// Result of matching a header.
pub(crate) enum HeaderMatch {
    Field(&'static FieldDef),
    Informational,
    Unknown,
}

impl Mapping {
    /// Checks that every extra header names a field of `fields`.
    pub(crate) fn check(&self, fields: &'static [FieldDef]) -> Result<()> {
        for (header, name) in &self.headers {
            if !fields.iter().any(|field| field.name == name) {
                let known: Vec<&str> = fields.iter().map(|field| field.name).collect();
                return Err(Error::invalid_value(
                    &format!("headers[{header}]"),
                    name,
                    Text::new(format!("以下字段之一：{}", known.join("、")), format!("one of the fields {}", known.join(", "))),
                ));
            }
        }
        Ok(())
    }

    /// Matches one header against the extra and the built-in headers.
    pub(crate) fn match_header(&self, fields: &'static [FieldDef], header: &str) -> HeaderMatch {
        let (key, _) = header_key(header);
        if key.is_empty() {
            return HeaderMatch::Unknown;
        }
        for (extra, name) in &self.headers {
            if header_key(extra).0 == key
                && let Some(field) = fields.iter().find(|field| field.name == name)
            {
                return HeaderMatch::Field(field);
            }
        }
        if self.builtin_headers {
            if let Some(field) = fields.iter().find(|field| field.headers.contains(&key.as_str())) {
                return HeaderMatch::Field(field);
            }
            if INFORMATIONAL_HEADERS.contains(&key.as_str()) {
                return HeaderMatch::Informational;
            }
        }
        HeaderMatch::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_drop_marks_and_units() {
        let cases = [
            ("原值（万元）", "原值", Some(MoneyUnit::Wan)),
            ("*原值(元)", "原值", Some(MoneyUnit::Yuan)),
            ("原值万元", "原值", Some(MoneyUnit::Wan)),
            (" 仪器　名称 ", "仪器名称", None),
            ("Original_Value", "original_value", None),
            ("服务机时（小时）", "服务机时", None),
        ];
        for (header, key, unit) in cases {
            assert_eq!(header_key(header), (key.to_owned(), unit), "{header:?}");
        }
    }

    #[test]
    fn extra_header_takes_precedence() {
        let mut mapping = Mapping::default();
        mapping.headers.insert("资产编号".to_owned(), "instrument".to_owned());
        mapping.headers.insert("名称".to_owned(), "english_name".to_owned());
        let matched = |header| match mapping.match_header(&INSTRUMENT_FIELDS, header) {
            HeaderMatch::Field(field) => field.name,
            HeaderMatch::Informational => "informational",
            HeaderMatch::Unknown => "unknown",
        };
        assert_eq!(matched("资产编号"), "instrument");
        assert_eq!(matched("名称"), "english_name");
        assert_eq!(matched("仪器名称"), "name");
        assert_eq!(matched("提交状态"), "informational");
        assert_eq!(matched("备注"), "unknown");
    }

    #[test]
    fn unknown_field_in_mapping_is_rejected() {
        let mut mapping = Mapping::default();
        mapping.headers.insert("价格".to_owned(), "price".to_owned());
        let error = mapping.check(&INSTRUMENT_FIELDS).unwrap_err();
        assert_eq!(error.code(), "invalid_value");
        assert_eq!(error.field(), Some("headers[价格]"));
    }
}
