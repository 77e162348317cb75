"""User-facing text in Chinese and English (用户可见文本).

The rules engine produces every message and explanation in Simplified
Chinese and in English. Functions that take a language accept a tag such as
``"zh"``, ``"zh-CN"``, ``"en"`` or ``"en-US"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _native

__all__ = ["Explanation", "Text"]


@dataclass(frozen=True)
class Text:
    """A piece of user-facing text in Simplified Chinese and English.

    Attributes:
        zh: Simplified Chinese.
        en: English.
    """

    zh: str
    en: str


@dataclass(frozen=True)
class Explanation:
    """A step-by-step account of how an amount was computed (计算说明).

    Attributes:
        steps: The steps in order, each in Chinese and English.
    """

    steps: tuple[Text, ...]

    def render(self, lang: str = "zh") -> str:
        """Render the steps in ``lang``, one numbered line each.

        Raises ``InvalidInputError`` (code ``invalid_value``) for a language
        tag other than Chinese or English.
        """
        return _native.render_explanation(self, lang)
