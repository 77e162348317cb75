//! Text in two languages and explanations (`labshare.lang`).

use labshare::lang::Explanation;
use labshare::{Lang, Text};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::object::PythonClass;
use crate::errors::CoreError;

static TEXT: PythonClass = PythonClass::new("labshare.lang", "Text");
static EXPLANATION: PythonClass = PythonClass::new("labshare.lang", "Explanation");

/// Parses a language tag such as `zh`, `zh-CN` or `en` with core's parser.
pub fn lang(tag: &str) -> PyResult<Lang> {
    Ok(Lang::parse(tag).map_err(CoreError::from)?)
}

/// Converts a `labshare.Explanation`.
pub fn explanation(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<Explanation> {
    let fields = EXPLANATION.fields(argument, value)?;
    let mut steps = Vec::new();
    for step in fields.items("steps")? {
        let step_fields = TEXT.fields("steps", &step)?;
        steps.push(Text::new(step_fields.text("zh")?, step_fields.text("en")?));
    }
    Ok(Explanation { steps })
}

/// Converts an explanation to a `labshare.Explanation`.
pub fn py_explanation<'py>(
    py: Python<'py>,
    explanation: &Explanation,
) -> PyResult<Bound<'py, PyAny>> {
    let mut steps = Vec::with_capacity(explanation.steps.len());
    for step in &explanation.steps {
        let kwargs = PyDict::new(py);
        kwargs.set_item("zh", &step.zh)?;
        kwargs.set_item("en", &step.en)?;
        steps.push(TEXT.build(&kwargs)?);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("steps", PyTuple::new(py, steps)?)?;
    EXPLANATION.build(&kwargs)
}
