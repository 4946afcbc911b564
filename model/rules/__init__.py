"""State and municipal rules as dated data, with pure functions over them.

Rules know nothing of the simulation: they answer "what is X on date D for
this household or job?".
"""

from model.rules.ruleset import DatedValue, Rule, RuleSet, StaleUse, load_rules, summarise_stale

__all__ = ["DatedValue", "Rule", "RuleSet", "StaleUse", "load_rules", "summarise_stale"]
