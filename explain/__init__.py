"""Explain decisions of tabular classifiers: exact SHAP where the model allows, in human terms.

Every public function, result type and error is importable from here (``from explain import
load_bundle, explain_decision, DecisionResult``); each loads on first use, so ``import
explain`` is quick. The subpackages group them by concept: :mod:`explain.bundle`,
:mod:`explain.models`, :mod:`explain.attribution`, :mod:`explain.decision`,
:mod:`explain.evaluation`; figures are in :mod:`explain.figures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from explain._csv import is_live as is_live
    from explain._csv import neutralize as neutralize
    from explain._csv import safe_csv as safe_csv
    from explain._stamp import AuditStamp as AuditStamp
    from explain._stamp import library_versions as library_versions
    from explain._stamp import make_stamp as make_stamp
    from explain.access import ACCESS_ACTIONS as ACCESS_ACTIONS
    from explain.access import ACCESS_ROLES as ACCESS_ROLES
    from explain.access import DEFAULT_ACCESS_LOG_URL as DEFAULT_ACCESS_LOG_URL
    from explain.access import DEFAULT_SECRETS as DEFAULT_SECRETS
    from explain.access import Access as Access
    from explain.access import AccessEvent as AccessEvent
    from explain.access import AccessFileError as AccessFileError
    from explain.access import AccessLog as AccessLog
    from explain.access import AccessLogError as AccessLogError
    from explain.access import AccessPolicy as AccessPolicy
    from explain.access import AccessSettings as AccessSettings
    from explain.access import Verification as Verification
    from explain.access import default_head_file as default_head_file
    from explain.access import role_allows as role_allows
    from explain.attribution import DependenceResult as DependenceResult
    from explain.attribution import DirectionResult as DirectionResult
    from explain.attribution import ImportanceResult as ImportanceResult
    from explain.attribution import InteractionRanking as InteractionRanking
    from explain.attribution import InteractionResult as InteractionResult
    from explain.attribution import PartialDependenceResult as PartialDependenceResult
    from explain.attribution import QualityResult as QualityResult
    from explain.attribution import ShapResult as ShapResult
    from explain.attribution import dependence as dependence
    from explain.attribution import direction_check as direction_check
    from explain.attribution import explanation_quality as explanation_quality
    from explain.attribution import partial_dependence as partial_dependence
    from explain.attribution import permutation_importance as permutation_importance
    from explain.attribution import probability_view as probability_view
    from explain.attribution import rank_differences as rank_differences
    from explain.attribution import shap_importance as shap_importance
    from explain.attribution import shap_interactions as shap_interactions
    from explain.attribution import shap_values as shap_values
    from explain.attribution import weighted_scores as weighted_scores
    from explain.batch import BatchRun as BatchRun
    from explain.batch import explain_batch as explain_batch
    from explain.batch import stored_scores as stored_scores
    from explain.batch import stored_top_reasons as stored_top_reasons
    from explain.bundle import NOT_PROVIDED as NOT_PROVIDED
    from explain.bundle import SPEC_FILE as SPEC_FILE
    from explain.bundle import TABLE_FORMATS as TABLE_FORMATS
    from explain.bundle import TABLES as TABLES
    from explain.bundle import UNKNOWN_OUTCOME as UNKNOWN_OUTCOME
    from explain.bundle import Band as Band
    from explain.bundle import Bundle as Bundle
    from explain.bundle import ClassRules as ClassRules
    from explain.bundle import ColumnSpec as ColumnSpec
    from explain.bundle import DecisionRule as DecisionRule
    from explain.bundle import FeatureProfile as FeatureProfile
    from explain.bundle import FeatureSpec as FeatureSpec
    from explain.bundle import Kind as Kind
    from explain.bundle import PopulationProfile as PopulationProfile
    from explain.bundle import Spec as Spec
    from explain.bundle import SqlDecisions as SqlDecisions
    from explain.bundle import SqlSource as SqlSource
    from explain.bundle import StoredFilter as StoredFilter
    from explain.bundle import TableName as TableName
    from explain.bundle import TargetRules as TargetRules
    from explain.bundle import TaskVerdict as TaskVerdict
    from explain.bundle import bundle_fingerprint as bundle_fingerprint
    from explain.bundle import check_bundle as check_bundle
    from explain.bundle import check_spec as check_spec
    from explain.bundle import check_table_name as check_table_name
    from explain.bundle import class_verdicts as class_verdicts
    from explain.bundle import compute_profile as compute_profile
    from explain.bundle import connection_env_var as connection_env_var
    from explain.bundle import connection_url as connection_url
    from explain.bundle import data_version as data_version
    from explain.bundle import display_value as display_value
    from explain.bundle import format_count as format_count
    from explain.bundle import format_metric as format_metric
    from explain.bundle import format_number as format_number
    from explain.bundle import format_p_value as format_p_value
    from explain.bundle import format_percent as format_percent
    from explain.bundle import format_percentile as format_percentile
    from explain.bundle import format_points as format_points
    from explain.bundle import format_psi as format_psi
    from explain.bundle import format_rate as format_rate
    from explain.bundle import format_ratio as format_ratio
    from explain.bundle import format_score as format_score
    from explain.bundle import format_value as format_value
    from explain.bundle import input_format as input_format
    from explain.bundle import is_missing as is_missing
    from explain.bundle import load_bundle as load_bundle
    from explain.bundle import ordinal as ordinal
    from explain.bundle import parse_spec as parse_spec
    from explain.bundle import population_profile as population_profile
    from explain.bundle import read_batch as read_batch
    from explain.bundle import read_spec_file as read_spec_file
    from explain.bundle import resolve_format as resolve_format
    from explain.bundle import slider_format as slider_format
    from explain.bundle import slugify as slugify
    from explain.bundle import spec_to_toml as spec_to_toml
    from explain.bundle import stored_value as stored_value
    from explain.bundle import target_verdicts as target_verdicts
    from explain.bundle import text_values as text_values
    from explain.bundle import unit_label as unit_label
    from explain.bundle import upper_first as upper_first
    from explain.bundle import with_uploaded_decisions as with_uploaded_decisions
    from explain.bundle import write_bundle as write_bundle
    from explain.decision import MAX_REASONS as MAX_REASONS
    from explain.decision import MIN_SHARE as MIN_SHARE
    from explain.decision import PAGE_SIZE as PAGE_SIZE
    from explain.decision import Base as Base
    from explain.decision import Change as Change
    from explain.decision import ClassContrast as ClassContrast
    from explain.decision import ColumnFilter as ColumnFilter
    from explain.decision import Contributions as Contributions
    from explain.decision import DecisionPage as DecisionPage
    from explain.decision import DecisionQuery as DecisionQuery
    from explain.decision import DecisionResult as DecisionResult
    from explain.decision import InputRange as InputRange
    from explain.decision import Prediction as Prediction
    from explain.decision import ReaderView as ReaderView
    from explain.decision import Reason as Reason
    from explain.decision import RecourseAim as RecourseAim
    from explain.decision import RecourseOptions as RecourseOptions
    from explain.decision import RecourseResult as RecourseResult
    from explain.decision import SimilarResult as SimilarResult
    from explain.decision import Suggestion as Suggestion
    from explain.decision import Units as Units
    from explain.decision import WhatIfResult as WhatIfResult
    from explain.decision import case_file_html as case_file_html
    from explain.decision import class_contrast as class_contrast
    from explain.decision import contributions_csv as contributions_csv
    from explain.decision import decision_scores as decision_scores
    from explain.decision import explain_decision as explain_decision
    from explain.decision import explain_decisions as explain_decisions
    from explain.decision import input_changed as input_changed
    from explain.decision import input_ranges as input_ranges
    from explain.decision import matching_decisions as matching_decisions
    from explain.decision import outcome_text as outcome_text
    from explain.decision import paged_in_database as paged_in_database
    from explain.decision import query_decisions as query_decisions
    from explain.decision import reader_view as reader_view
    from explain.decision import recourse_options as recourse_options
    from explain.decision import scores_by_id as scores_by_id
    from explain.decision import select_reasons as select_reasons
    from explain.decision import similar_cases as similar_cases
    from explain.decision import suggest_changes as suggest_changes
    from explain.decision import task_decisions as task_decisions
    from explain.decision import task_units as task_units
    from explain.decision import top_reasons as top_reasons
    from explain.decision import uses_scores as uses_scores
    from explain.decision import value_side as value_side
    from explain.decision import verdicts_with_reasons as verdicts_with_reasons
    from explain.decision import what_if as what_if
    from explain.decision import wording as wording
    from explain.errors import AdditivityError as AdditivityError
    from explain.errors import BundleError as BundleError
    from explain.errors import BundleExistsError as BundleExistsError
    from explain.errors import DataSourceError as DataSourceError
    from explain.errors import DecisionNotFoundError as DecisionNotFoundError
    from explain.errors import ExplainError as ExplainError
    from explain.errors import FeatureNotFoundError as FeatureNotFoundError
    from explain.errors import InvalidParameterError as InvalidParameterError
    from explain.errors import ModelLoadError as ModelLoadError
    from explain.errors import OutcomesMissingError as OutcomesMissingError
    from explain.errors import SpecError as SpecError
    from explain.errors import UnsupportedModelError as UnsupportedModelError
    from explain.errors import UnsupportedTaskError as UnsupportedTaskError
    from explain.evaluation import FOUR_FIFTHS as FOUR_FIFTHS
    from explain.evaluation import MAJOR as MAJOR
    from explain.evaluation import MIN_BATCH_ROWS as MIN_BATCH_ROWS
    from explain.evaluation import MODERATE as MODERATE
    from explain.evaluation import BinShares as BinShares
    from explain.evaluation import CaseError as CaseError
    from explain.evaluation import ColumnFairness as ColumnFairness
    from explain.evaluation import CostResult as CostResult
    from explain.evaluation import DriftResult as DriftResult
    from explain.evaluation import ErrorAnalysisResult as ErrorAnalysisResult
    from explain.evaluation import ErrorSegment as ErrorSegment
    from explain.evaluation import FairnessResult as FairnessResult
    from explain.evaluation import GroupGap as GroupGap
    from explain.evaluation import ModelCard as ModelCard
    from explain.evaluation import MulticlassPerformance as MulticlassPerformance
    from explain.evaluation import PerformanceResult as PerformanceResult
    from explain.evaluation import ProxyResult as ProxyResult
    from explain.evaluation import RegressionPerformance as RegressionPerformance
    from explain.evaluation import TaskColumnFairness as TaskColumnFairness
    from explain.evaluation import TaskFairnessResult as TaskFairnessResult
    from explain.evaluation import ThresholdMetrics as ThresholdMetrics
    from explain.evaluation import batch_drift as batch_drift
    from explain.evaluation import calibration_bins as calibration_bins
    from explain.evaluation import cost_threshold as cost_threshold
    from explain.evaluation import drift_status as drift_status
    from explain.evaluation import error_segments as error_segments
    from explain.evaluation import expected_cost_curve as expected_cost_curve
    from explain.evaluation import group_fairness as group_fairness
    from explain.evaluation import metrics_at as metrics_at
    from explain.evaluation import model_card as model_card
    from explain.evaluation import model_performance as model_performance
    from explain.evaluation import population_stability_index as population_stability_index
    from explain.evaluation import task_fairness as task_fairness
    from explain.evaluation import task_performance as task_performance
    from explain.models import ADDITIVITY_TOLERANCE as ADDITIVITY_TOLERANCE
    from explain.models import Attribution as Attribution
    from explain.models import LightGBMAdapter as LightGBMAdapter
    from explain.models import ModelAdapter as ModelAdapter
    from explain.models import SklearnAdapter as SklearnAdapter
    from explain.models import SklearnGenericAdapter as SklearnGenericAdapter
    from explain.models import SklearnLinearAdapter as SklearnLinearAdapter
    from explain.models import SklearnTreeAdapter as SklearnTreeAdapter
    from explain.models import TabularAdapter as TabularAdapter
    from explain.models import adapt_estimator as adapt_estimator
    from explain.models import checked_contributions as checked_contributions
    from explain.models import load_model as load_model
    from explain.models import load_models as load_models
    from explain.models import logit as logit
    from explain.models import register_adapter as register_adapter
    from explain.models import sigmoid as sigmoid
    from explain.models import softmax as softmax
    from explain.store import STORE_ENV as STORE_ENV
    from explain.store import ResultStore as ResultStore
    from explain.store import Unstorable as Unstorable
    from explain.store import default_store_path as default_store_path

_NAMES = {
    "upper_first": "explain.bundle",
    "MulticlassPerformance": "explain.evaluation",
    "RegressionPerformance": "explain.evaluation",
    "task_fairness": "explain.evaluation",
    "GroupGap": "explain.evaluation",
    "TaskColumnFairness": "explain.evaluation",
    "TaskFairnessResult": "explain.evaluation",
    "task_performance": "explain.evaluation",
    "task_decisions": "explain.decision",
    "outcome_text": "explain.decision",
    "task_units": "explain.decision",
    "Units": "explain.decision",
    "ReaderView": "explain.decision",
    "reader_view": "explain.decision",
    "Bundle": "explain.bundle",
    "ColumnSpec": "explain.bundle",
    "Band": "explain.bundle",
    "ClassRules": "explain.bundle",
    "TargetRules": "explain.bundle",
    "TaskVerdict": "explain.bundle",
    "class_verdicts": "explain.bundle",
    "target_verdicts": "explain.bundle",
    "DecisionRule": "explain.bundle",
    "FeatureProfile": "explain.bundle",
    "FeatureSpec": "explain.bundle",
    "Kind": "explain.bundle",
    "NOT_PROVIDED": "explain.bundle",
    "PopulationProfile": "explain.bundle",
    "SPEC_FILE": "explain.bundle",
    "Spec": "explain.bundle",
    "SqlDecisions": "explain.bundle",
    "SqlSource": "explain.bundle",
    "StoredFilter": "explain.bundle",
    "connection_env_var": "explain.bundle",
    "connection_url": "explain.bundle",
    "data_version": "explain.bundle",
    "ACCESS_ACTIONS": "explain.access",
    "AccessEvent": "explain.access",
    "AccessLog": "explain.access",
    "AccessLogError": "explain.access",
    "Verification": "explain.access",
    "default_head_file": "explain.access",
    "ACCESS_ROLES": "explain.access",
    "Access": "explain.access",
    "AccessFileError": "explain.access",
    "AccessPolicy": "explain.access",
    "role_allows": "explain.access",
    "DEFAULT_ACCESS_LOG_URL": "explain.access",
    "DEFAULT_SECRETS": "explain.access",
    "AccessSettings": "explain.access",
    "BatchRun": "explain.batch",
    "explain_batch": "explain.batch",
    "stored_scores": "explain.batch",
    "stored_top_reasons": "explain.batch",
    "STORE_ENV": "explain.store",
    "ResultStore": "explain.store",
    "Unstorable": "explain.store",
    "default_store_path": "explain.store",
    "TABLES": "explain.bundle",
    "TABLE_FORMATS": "explain.bundle",
    "TableName": "explain.bundle",
    "UNKNOWN_OUTCOME": "explain.bundle",
    "bundle_fingerprint": "explain.bundle",
    "check_bundle": "explain.bundle",
    "check_spec": "explain.bundle",
    "check_table_name": "explain.bundle",
    "compute_profile": "explain.bundle",
    "display_value": "explain.bundle",
    "format_count": "explain.bundle",
    "format_metric": "explain.bundle",
    "format_number": "explain.bundle",
    "format_p_value": "explain.bundle",
    "format_percent": "explain.bundle",
    "format_percentile": "explain.bundle",
    "format_points": "explain.bundle",
    "format_psi": "explain.bundle",
    "format_rate": "explain.bundle",
    "format_ratio": "explain.bundle",
    "format_score": "explain.bundle",
    "format_value": "explain.bundle",
    "input_format": "explain.bundle",
    "is_missing": "explain.bundle",
    "load_bundle": "explain.bundle",
    "ordinal": "explain.bundle",
    "parse_spec": "explain.bundle",
    "population_profile": "explain.bundle",
    "with_uploaded_decisions": "explain.bundle",
    "verdicts_with_reasons": "explain.decision",
    "read_batch": "explain.bundle",
    "read_spec_file": "explain.bundle",
    "resolve_format": "explain.bundle",
    "slider_format": "explain.bundle",
    "slugify": "explain.bundle",
    "spec_to_toml": "explain.bundle",
    "stored_value": "explain.bundle",
    "text_values": "explain.bundle",
    "unit_label": "explain.bundle",
    "write_bundle": "explain.bundle",
    "Attribution": "explain.models",
    "LightGBMAdapter": "explain.models",
    "ModelAdapter": "explain.models",
    "SklearnAdapter": "explain.models",
    "SklearnGenericAdapter": "explain.models",
    "SklearnLinearAdapter": "explain.models",
    "SklearnTreeAdapter": "explain.models",
    "TabularAdapter": "explain.models",
    "adapt_estimator": "explain.models",
    "load_model": "explain.models",
    "load_models": "explain.models",
    "logit": "explain.models",
    "ADDITIVITY_TOLERANCE": "explain.models",
    "checked_contributions": "explain.models",
    "softmax": "explain.models",
    "register_adapter": "explain.models",
    "sigmoid": "explain.models",
    "DependenceResult": "explain.attribution",
    "DirectionResult": "explain.attribution",
    "ImportanceResult": "explain.attribution",
    "InteractionRanking": "explain.attribution",
    "InteractionResult": "explain.attribution",
    "PartialDependenceResult": "explain.attribution",
    "QualityResult": "explain.attribution",
    "ShapResult": "explain.attribution",
    "dependence": "explain.attribution",
    "direction_check": "explain.attribution",
    "explanation_quality": "explain.attribution",
    "partial_dependence": "explain.attribution",
    "permutation_importance": "explain.attribution",
    "probability_view": "explain.attribution",
    "rank_differences": "explain.attribution",
    "shap_importance": "explain.attribution",
    "shap_interactions": "explain.attribution",
    "shap_values": "explain.attribution",
    "weighted_scores": "explain.attribution",
    "Base": "explain.decision",
    "Change": "explain.decision",
    "ClassContrast": "explain.decision",
    "class_contrast": "explain.decision",
    "ColumnFilter": "explain.decision",
    "Contributions": "explain.decision",
    "DecisionPage": "explain.decision",
    "DecisionQuery": "explain.decision",
    "DecisionResult": "explain.decision",
    "InputRange": "explain.decision",
    "MAX_REASONS": "explain.decision",
    "MIN_SHARE": "explain.decision",
    "PAGE_SIZE": "explain.decision",
    "Prediction": "explain.decision",
    "Reason": "explain.decision",
    "RecourseAim": "explain.decision",
    "RecourseOptions": "explain.decision",
    "RecourseResult": "explain.decision",
    "SimilarResult": "explain.decision",
    "Suggestion": "explain.decision",
    "WhatIfResult": "explain.decision",
    "case_file_html": "explain.decision",
    "contributions_csv": "explain.decision",
    "decision_scores": "explain.decision",
    "explain_decision": "explain.decision",
    "explain_decisions": "explain.decision",
    "input_changed": "explain.decision",
    "input_ranges": "explain.decision",
    "matching_decisions": "explain.decision",
    "query_decisions": "explain.decision",
    "paged_in_database": "explain.decision",
    "scores_by_id": "explain.decision",
    "uses_scores": "explain.decision",
    "recourse_options": "explain.decision",
    "select_reasons": "explain.decision",
    "similar_cases": "explain.decision",
    "suggest_changes": "explain.decision",
    "top_reasons": "explain.decision",
    "value_side": "explain.decision",
    "what_if": "explain.decision",
    "wording": "explain.decision",
    "BinShares": "explain.evaluation",
    "CaseError": "explain.evaluation",
    "ColumnFairness": "explain.evaluation",
    "CostResult": "explain.evaluation",
    "DriftResult": "explain.evaluation",
    "ErrorAnalysisResult": "explain.evaluation",
    "ErrorSegment": "explain.evaluation",
    "FOUR_FIFTHS": "explain.evaluation",
    "FairnessResult": "explain.evaluation",
    "MAJOR": "explain.evaluation",
    "MIN_BATCH_ROWS": "explain.evaluation",
    "MODERATE": "explain.evaluation",
    "ModelCard": "explain.evaluation",
    "PerformanceResult": "explain.evaluation",
    "ProxyResult": "explain.evaluation",
    "ThresholdMetrics": "explain.evaluation",
    "batch_drift": "explain.evaluation",
    "calibration_bins": "explain.evaluation",
    "cost_threshold": "explain.evaluation",
    "drift_status": "explain.evaluation",
    "error_segments": "explain.evaluation",
    "expected_cost_curve": "explain.evaluation",
    "group_fairness": "explain.evaluation",
    "metrics_at": "explain.evaluation",
    "model_card": "explain.evaluation",
    "model_performance": "explain.evaluation",
    "population_stability_index": "explain.evaluation",
    "AdditivityError": "explain.errors",
    "BundleError": "explain.errors",
    "BundleExistsError": "explain.errors",
    "DecisionNotFoundError": "explain.errors",
    "DataSourceError": "explain.errors",
    "ExplainError": "explain.errors",
    "FeatureNotFoundError": "explain.errors",
    "InvalidParameterError": "explain.errors",
    "ModelLoadError": "explain.errors",
    "OutcomesMissingError": "explain.errors",
    "SpecError": "explain.errors",
    "UnsupportedModelError": "explain.errors",
    "UnsupportedTaskError": "explain.errors",
    "AuditStamp": "explain._stamp",
    "library_versions": "explain._stamp",
    "make_stamp": "explain._stamp",
    "is_live": "explain._csv",
    "neutralize": "explain._csv",
    "safe_csv": "explain._csv",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
