"""Password rules (X-6): length, mixed character classes, not the user name.

All three are configurable through settings (JIXIAO_PASSWORD_MIN_LENGTH,
JIXIAO_PASSWORD_MIN_CLASSES). Messages are in Chinese, defined here once.
"""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError

TOO_SHORT = "密码长度至少为{min_length}位。"
TOO_FEW_CLASSES = "密码须包含大写字母、小写字母、数字、特殊字符中的至少{min_classes}类。"
CONTAINS_USERNAME = "密码不得包含用户名。"


class LengthValidator:
    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                TOO_SHORT.format(min_length=self.min_length), code="password_too_short"
            )

    def get_help_text(self) -> str:
        return TOO_SHORT.format(min_length=self.min_length)


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                TOO_FEW_CLASSES.format(min_classes=self.min_classes), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return TOO_FEW_CLASSES.format(min_classes=self.min_classes)


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError(CONTAINS_USERNAME, code="password_contains_username")

    def get_help_text(self) -> str:
        return CONTAINS_USERNAME
