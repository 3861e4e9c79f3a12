"""Plotly figure builders, by concept: a result in, a new ``go.Figure`` out. No I/O, no globals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._decision import contribution_waterfall as contribution_waterfall
    from ._decision import waterfall_steps as waterfall_steps
    from ._dependence import dependence_scatter as dependence_scatter
    from ._dependence import pdp_ice as pdp_ice
    from ._drift import drift_bins_chart as drift_bins_chart
    from ._drift import drift_importance_chart as drift_importance_chart
    from ._drift import drift_psi_chart as drift_psi_chart
    from ._drift import drift_score_chart as drift_score_chart
    from ._error_segments import error_segments_chart as error_segments_chart
    from ._fairness import fairness_proxy_chart as fairness_proxy_chart
    from ._fairness import fairness_rates_chart as fairness_rates_chart
    from ._fairness import task_fairness_chart as task_fairness_chart
    from ._importance import importance_bars as importance_bars
    from ._importance import shap_beeswarm as shap_beeswarm
    from ._performance import calibration_chart as calibration_chart
    from ._performance import confusion_matrix_chart as confusion_matrix_chart
    from ._performance import cost_curve_chart as cost_curve_chart
    from ._performance import precision_recall_chart as precision_recall_chart
    from ._performance import roc_chart as roc_chart
    from ._performance import score_distribution_chart as score_distribution_chart
    from ._task_performance import class_calibration_chart as class_calibration_chart
    from ._task_performance import class_confusion_chart as class_confusion_chart
    from ._task_performance import class_pr_chart as class_pr_chart
    from ._task_performance import class_roc_chart as class_roc_chart
    from ._task_performance import estimate_fit_chart as estimate_fit_chart
    from ._task_performance import residual_by_input_chart as residual_by_input_chart
    from ._task_performance import residual_chart as residual_chart
    from ._theme import DEFAULT_THEME as DEFAULT_THEME
    from ._theme import FigureTheme as FigureTheme
    from ._theme import empty_figure as empty_figure
    from ._theme import plotly_text as plotly_text

_NAMES = {
    "class_calibration_chart": "._task_performance",
    "class_pr_chart": "._task_performance",
    "residual_by_input_chart": "._task_performance",
    "task_fairness_chart": "._fairness",
    "class_confusion_chart": "._task_performance",
    "class_roc_chart": "._task_performance",
    "estimate_fit_chart": "._task_performance",
    "residual_chart": "._task_performance",
    "DEFAULT_THEME": "._theme",
    "FigureTheme": "._theme",
    "empty_figure": "._theme",
    "plotly_text": "._theme",
    "contribution_waterfall": "._decision",
    "waterfall_steps": "._decision",
    "importance_bars": "._importance",
    "shap_beeswarm": "._importance",
    "dependence_scatter": "._dependence",
    "pdp_ice": "._dependence",
    "calibration_chart": "._performance",
    "confusion_matrix_chart": "._performance",
    "cost_curve_chart": "._performance",
    "precision_recall_chart": "._performance",
    "roc_chart": "._performance",
    "score_distribution_chart": "._performance",
    "fairness_proxy_chart": "._fairness",
    "fairness_rates_chart": "._fairness",
    "drift_bins_chart": "._drift",
    "drift_importance_chart": "._drift",
    "drift_psi_chart": "._drift",
    "drift_score_chart": "._drift",
    "error_segments_chart": "._error_segments",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
