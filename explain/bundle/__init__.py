"""The bundle: a model with its decisions, reference data and spec; loading, writing, validation,
where values sit in the population, and numbers in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._bundle import TABLES as TABLES
    from ._bundle import Bundle as Bundle
    from ._bundle import TableName as TableName
    from ._bundle import check_table_name as check_table_name
    from ._bundle import slugify as slugify
    from ._fingerprint import bundle_fingerprint as bundle_fingerprint
    from ._formatting import NOT_PROVIDED as NOT_PROVIDED
    from ._formatting import TABLE_FORMATS as TABLE_FORMATS
    from ._formatting import display_value as display_value
    from ._formatting import format_count as format_count
    from ._formatting import format_metric as format_metric
    from ._formatting import format_number as format_number
    from ._formatting import format_p_value as format_p_value
    from ._formatting import format_percent as format_percent
    from ._formatting import format_percentile as format_percentile
    from ._formatting import format_points as format_points
    from ._formatting import format_psi as format_psi
    from ._formatting import format_rate as format_rate
    from ._formatting import format_ratio as format_ratio
    from ._formatting import format_score as format_score
    from ._formatting import format_value as format_value
    from ._formatting import input_format as input_format
    from ._formatting import is_missing as is_missing
    from ._formatting import ordinal as ordinal
    from ._formatting import resolve_format as resolve_format
    from ._formatting import slider_format as slider_format
    from ._formatting import stored_value as stored_value
    from ._formatting import unit_label as unit_label
    from ._formatting import upper_first as upper_first
    from ._load import SPEC_FILE as SPEC_FILE
    from ._load import check_bundle as check_bundle
    from ._load import load_bundle as load_bundle
    from ._load import read_spec_file as read_spec_file
    from ._profile import FeatureProfile as FeatureProfile
    from ._profile import PopulationProfile as PopulationProfile
    from ._profile import compute_profile as compute_profile
    from ._profile import population_profile as population_profile
    from ._spec import UNKNOWN_OUTCOME as UNKNOWN_OUTCOME
    from ._spec import ColumnSpec as ColumnSpec
    from ._spec import DecisionRule as DecisionRule
    from ._spec import FeatureSpec as FeatureSpec
    from ._spec import Kind as Kind
    from ._spec import Spec as Spec
    from ._spec import SqlSource as SqlSource
    from ._spec_parse import check_spec as check_spec
    from ._spec_parse import parse_spec as parse_spec
    from ._spec_toml import spec_to_toml as spec_to_toml
    from ._sql import SqlDecisions as SqlDecisions
    from ._sql import StoredFilter as StoredFilter
    from ._sql import connection_env_var as connection_env_var
    from ._sql import connection_url as connection_url
    from ._sql import data_version as data_version
    from ._tables import text_values as text_values
    from ._task_rules import Band as Band
    from ._task_rules import ClassRules as ClassRules
    from ._task_rules import TargetRules as TargetRules
    from ._task_rules import TaskVerdict as TaskVerdict
    from ._task_rules import class_verdicts as class_verdicts
    from ._task_rules import target_verdicts as target_verdicts
    from ._upload import read_batch as read_batch
    from ._upload import with_uploaded_decisions as with_uploaded_decisions
    from ._write import write_bundle as write_bundle

_NAMES = {
    "upper_first": "._formatting",
    "Bundle": "._bundle",
    "TABLES": "._bundle",
    "TableName": "._bundle",
    "check_table_name": "._bundle",
    "slugify": "._bundle",
    "SPEC_FILE": "._load",
    "check_bundle": "._load",
    "load_bundle": "._load",
    "read_spec_file": "._load",
    "write_bundle": "._write",
    "bundle_fingerprint": "._fingerprint",
    "text_values": "._tables",
    "ColumnSpec": "._spec",
    "Band": "._task_rules",
    "ClassRules": "._task_rules",
    "TargetRules": "._task_rules",
    "TaskVerdict": "._task_rules",
    "class_verdicts": "._task_rules",
    "target_verdicts": "._task_rules",
    "DecisionRule": "._spec",
    "FeatureSpec": "._spec",
    "Kind": "._spec",
    "Spec": "._spec",
    "SqlSource": "._spec",
    "SqlDecisions": "._sql",
    "StoredFilter": "._sql",
    "connection_env_var": "._sql",
    "connection_url": "._sql",
    "data_version": "._sql",
    "UNKNOWN_OUTCOME": "._spec",
    "check_spec": "._spec_parse",
    "parse_spec": "._spec_parse",
    "spec_to_toml": "._spec_toml",
    "FeatureProfile": "._profile",
    "PopulationProfile": "._profile",
    "compute_profile": "._profile",
    "population_profile": "._profile",
    "NOT_PROVIDED": "._formatting",
    "TABLE_FORMATS": "._formatting",
    "display_value": "._formatting",
    "format_count": "._formatting",
    "format_metric": "._formatting",
    "format_number": "._formatting",
    "format_p_value": "._formatting",
    "format_percent": "._formatting",
    "format_percentile": "._formatting",
    "format_points": "._formatting",
    "format_psi": "._formatting",
    "format_rate": "._formatting",
    "format_ratio": "._formatting",
    "format_score": "._formatting",
    "format_value": "._formatting",
    "input_format": "._formatting",
    "is_missing": "._formatting",
    "ordinal": "._formatting",
    "resolve_format": "._formatting",
    "slider_format": "._formatting",
    "stored_value": "._formatting",
    "unit_label": "._formatting",
    "read_batch": "._upload",
    "with_uploaded_decisions": "._upload",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
