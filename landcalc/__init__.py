"""landcalc: the rooster or the hen?

Compare selling a plot of land once to a housing developer (the "rooster") with
selling it cheaply to a manufacturer and collecting the local share of its
taxes for decades (the "hen"): NPV, break-even, sweeps and Monte Carlo from
scenario files.

The public API is importable from here; numpy is imported only when a
function that needs it is first used, so that ``import landcalc`` stays cheap.

Examples
--------
>>> import landcalc
>>> sc = landcalc.load_scenario("scenarios/songjiang-2016.toml")  # doctest: +SKIP
>>> result = landcalc.compare(sc)  # doctest: +SKIP
>>> result.comparisons["hen"].difference  # doctest: +SKIP
"""

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": "landcalc.scenario",
    "scenario_from_dict": "landcalc.scenario",
    "scenario_from_text": "landcalc.scenario",
    "Scenario": "landcalc.scenario",
    "evaluate": "landcalc.engine",
    "BatchResult": "landcalc.engine",
    "compare": "landcalc.analysis",
    "cashflows": "landcalc.analysis",
    "CompareResult": "landcalc.analysis",
    "SimulationResult": "landcalc.simulate",
    "sweep": "landcalc.whatif",
    "tornado": "landcalc.whatif",
    "breakeven": "landcalc.whatif",
    "LandcalcError": "landcalc.errors",
    "ScenarioError": "landcalc.errors",
    "InputError": "landcalc.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'landcalc' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
