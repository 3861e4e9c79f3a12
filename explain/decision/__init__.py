"""One decision: its explanation and reasons, what-if, what would change it, similar cases, the
case file, and browsing many decisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explain._lazy import attach

if TYPE_CHECKING:
    from ._batch_table import verdicts_with_reasons as verdicts_with_reasons
    from ._browse import PAGE_SIZE as PAGE_SIZE
    from ._browse import ColumnFilter as ColumnFilter
    from ._browse import DecisionPage as DecisionPage
    from ._browse import DecisionQuery as DecisionQuery
    from ._browse import decision_scores as decision_scores
    from ._browse import matching_decisions as matching_decisions
    from ._browse import paged_in_database as paged_in_database
    from ._browse import query_decisions as query_decisions
    from ._browse import scores_by_id as scores_by_id
    from ._browse import uses_scores as uses_scores
    from ._casefile import case_file_html as case_file_html
    from ._casefile import contributions_csv as contributions_csv
    from ._contrast import ClassContrast as ClassContrast
    from ._contrast import class_contrast as class_contrast
    from ._decision import Base as Base
    from ._decision import Contributions as Contributions
    from ._decision import DecisionResult as DecisionResult
    from ._decision import Prediction as Prediction
    from ._decision import Reason as Reason
    from ._decision import explain_decision as explain_decision
    from ._decision import explain_decisions as explain_decisions
    from ._decision import top_reasons as top_reasons
    from ._reasons import MAX_REASONS as MAX_REASONS
    from ._reasons import MIN_SHARE as MIN_SHARE
    from ._reasons import select_reasons as select_reasons
    from ._reasons import value_side as value_side
    from ._reasons import wording as wording
    from ._recourse import Change as Change
    from ._recourse import RecourseOptions as RecourseOptions
    from ._recourse import RecourseResult as RecourseResult
    from ._recourse import Suggestion as Suggestion
    from ._recourse import recourse_options as recourse_options
    from ._recourse import suggest_changes as suggest_changes
    from ._recourse_aim import RecourseAim as RecourseAim
    from ._similar import SimilarResult as SimilarResult
    from ._similar import similar_cases as similar_cases
    from ._task_table import outcome_text as outcome_text
    from ._task_table import task_decisions as task_decisions
    from ._task_table import task_units as task_units
    from ._task_view import ReaderView as ReaderView
    from ._task_view import Units as Units
    from ._task_view import reader_view as reader_view
    from ._whatif import InputRange as InputRange
    from ._whatif import WhatIfResult as WhatIfResult
    from ._whatif import input_changed as input_changed
    from ._whatif import input_ranges as input_ranges
    from ._whatif import what_if as what_if

_NAMES = {
    "verdicts_with_reasons": "._batch_table",
    "ClassContrast": "._contrast",
    "class_contrast": "._contrast",
    "task_decisions": "._task_table",
    "outcome_text": "._task_table",
    "task_units": "._task_table",
    "Units": "._task_view",
    "ReaderView": "._task_view",
    "reader_view": "._task_view",
    "Base": "._decision",
    "Contributions": "._decision",
    "DecisionResult": "._decision",
    "Prediction": "._decision",
    "Reason": "._decision",
    "explain_decision": "._decision",
    "explain_decisions": "._decision",
    "top_reasons": "._decision",
    "MAX_REASONS": "._reasons",
    "MIN_SHARE": "._reasons",
    "select_reasons": "._reasons",
    "value_side": "._reasons",
    "wording": "._reasons",
    "InputRange": "._whatif",
    "WhatIfResult": "._whatif",
    "input_changed": "._whatif",
    "input_ranges": "._whatif",
    "what_if": "._whatif",
    "Change": "._recourse",
    "RecourseResult": "._recourse",
    "RecourseOptions": "._recourse",
    "recourse_options": "._recourse",
    "RecourseAim": "._recourse_aim",
    "Suggestion": "._recourse",
    "suggest_changes": "._recourse",
    "SimilarResult": "._similar",
    "similar_cases": "._similar",
    "ColumnFilter": "._browse",
    "DecisionPage": "._browse",
    "DecisionQuery": "._browse",
    "paged_in_database": "._browse",
    "scores_by_id": "._browse",
    "uses_scores": "._browse",
    "PAGE_SIZE": "._browse",
    "decision_scores": "._browse",
    "matching_decisions": "._browse",
    "query_decisions": "._browse",
    "case_file_html": "._casefile",
    "contributions_csv": "._casefile",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = attach(__name__, _NAMES)
