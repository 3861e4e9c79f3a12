"""Evaluation on held-out data: performance, the cost-aware threshold, where the model errs,
fairness across groups, drift, and the model card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._cost import CostResult as CostResult
    from ._cost import cost_threshold as cost_threshold
    from ._cost import expected_cost_curve as expected_cost_curve
    from ._drift import MAJOR as MAJOR
    from ._drift import MIN_BATCH_ROWS as MIN_BATCH_ROWS
    from ._drift import MODERATE as MODERATE
    from ._drift import BinShares as BinShares
    from ._drift import DriftResult as DriftResult
    from ._drift import batch_drift as batch_drift
    from ._drift import drift_status as drift_status
    from ._drift import population_stability_index as population_stability_index
    from ._error_segments import CaseError as CaseError
    from ._error_segments import ErrorAnalysisResult as ErrorAnalysisResult
    from ._error_segments import ErrorSegment as ErrorSegment
    from ._error_segments import error_segments as error_segments
    from ._fairness import FOUR_FIFTHS as FOUR_FIFTHS
    from ._fairness import ColumnFairness as ColumnFairness
    from ._fairness import FairnessResult as FairnessResult
    from ._fairness import group_fairness as group_fairness
    from ._model_card import ModelCard as ModelCard
    from ._model_card import model_card as model_card
    from ._performance import PerformanceResult as PerformanceResult
    from ._performance import ThresholdMetrics as ThresholdMetrics
    from ._performance import calibration_bins as calibration_bins
    from ._performance import metrics_at as metrics_at
    from ._performance import model_performance as model_performance
    from ._proxies import ProxyResult as ProxyResult
    from ._task_fairness import GroupGap as GroupGap
    from ._task_fairness import TaskColumnFairness as TaskColumnFairness
    from ._task_fairness import TaskFairnessResult as TaskFairnessResult
    from ._task_fairness import task_fairness as task_fairness
    from ._task_performance import MulticlassPerformance as MulticlassPerformance
    from ._task_performance import RegressionPerformance as RegressionPerformance
    from ._task_performance import task_performance as task_performance

_NAMES = {
    "GroupGap": "._task_fairness",
    "TaskColumnFairness": "._task_fairness",
    "TaskFairnessResult": "._task_fairness",
    "task_fairness": "._task_fairness",
    "MulticlassPerformance": "._task_performance",
    "RegressionPerformance": "._task_performance",
    "task_performance": "._task_performance",
    "PerformanceResult": "._performance",
    "ThresholdMetrics": "._performance",
    "calibration_bins": "._performance",
    "metrics_at": "._performance",
    "model_performance": "._performance",
    "CostResult": "._cost",
    "cost_threshold": "._cost",
    "expected_cost_curve": "._cost",
    "CaseError": "._error_segments",
    "ErrorAnalysisResult": "._error_segments",
    "ErrorSegment": "._error_segments",
    "error_segments": "._error_segments",
    "ColumnFairness": "._fairness",
    "FOUR_FIFTHS": "._fairness",
    "FairnessResult": "._fairness",
    "group_fairness": "._fairness",
    "ProxyResult": "._proxies",
    "BinShares": "._drift",
    "DriftResult": "._drift",
    "MAJOR": "._drift",
    "MIN_BATCH_ROWS": "._drift",
    "MODERATE": "._drift",
    "batch_drift": "._drift",
    "drift_status": "._drift",
    "population_stability_index": "._drift",
    "ModelCard": "._model_card",
    "model_card": "._model_card",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
