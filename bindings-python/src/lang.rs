//! Explanations in Chinese and English (计算说明).

use pyo3::prelude::*;

use crate::convert::lang::{explanation as explanation_arg, lang as lang_arg};

/// Render an ``Explanation`` in ``lang`` (``"zh"``, ``"en"`` or a tag such as
/// ``"zh-CN"``), one numbered line per step; ``Explanation.render()`` calls
/// this.
///
/// Raises ``InvalidInputError`` (``invalid_value``) for another language.
#[pyfunction]
#[pyo3(signature = (explanation, lang="zh"))]
pub fn render_explanation(explanation: &Bound<'_, PyAny>, lang: &str) -> PyResult<String> {
    let lang = lang_arg(lang)?;
    Ok(explanation_arg("explanation", explanation)?.render(lang))
}
