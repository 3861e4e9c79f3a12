"""The error family raised by ``explain``.

Every error derives from :class:`ExplainError` and from the builtin it refines, so callers
can catch either. Messages name the file and field at fault and, where there is a fixed set
of choices, list them: the dashboard shows the message as it is.
"""

from __future__ import annotations


class ExplainError(Exception):
    """Base class of every error this library raises on purpose."""


class SpecError(ExplainError, ValueError):
    """``bundle.toml`` (or a spec mapping) is malformed: unknown key, wrong type, bad value."""


class BundleError(ExplainError, ValueError):
    """A bundle's files or tables are missing or inconsistent (ids, outcomes, columns)."""


class BundleExistsError(ExplainError, FileExistsError):
    """:func:`~explain.bundle.write_bundle` was asked to write over an existing bundle without ``overwrite``."""


class ModelLoadError(ExplainError, ValueError):
    """A model file is unreadable, truncated, untrusted, or of a refused format."""


class UnsupportedModelError(ExplainError, TypeError):
    """The model is of a kind or task this library does not explain yet."""


class UnsupportedTaskError(ExplainError, TypeError):
    """A computation defined for some tasks only (a threshold on a binary score, say) was asked
    of a model trained for another task; the message names both."""


class FeatureNotFoundError(ExplainError, KeyError):
    """A model input is absent from a table or misnamed."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class DecisionNotFoundError(ExplainError, KeyError):
    """An id is not in the requested table."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutcomesMissingError(ExplainError, ValueError):
    """A computation needs outcomes (reference data with an outcome column) that the bundle lacks."""


class InvalidParameterError(ExplainError, ValueError):
    """An option is outside what the function accepts; the message names the parameter, the
    allowed range or choices, and the value given."""


class AdditivityError(ExplainError, ArithmeticError):
    """Contributions do not add up to the model's own output: the explanation would be wrong,
    so it is refused rather than shown."""


class DataSourceError(ExplainError, RuntimeError):
    """A database a bundle reads from cannot be reached, or its query fails or returns the wrong
    columns; the message names the connection (never its URL's password) and the fix."""
