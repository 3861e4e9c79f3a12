"""The tasks a model can be trained for: one definition shared by the spec and the adapters."""

from __future__ import annotations

from typing import Literal

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")
