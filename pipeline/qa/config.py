"""QA settings from ``tmpipe.toml`` and the baseline (suppression) file.

``tmpipe.toml`` (every key optional; a ``[qa]`` table, or the same keys at top level)::

    [qa]
    do_not_translate = ["Dynamics 365", "Project Operations"]  # names left in English on purpose
    fail_on = "error"              # gate for `tmpipe qa` (error|warning|info); unset: never fail
    max = { untranslated = 10 }    # count gates per check
    suppress = "qa-baseline.json"  # accepted findings (relative to this file)
    max_findings = 5000            # findings kept per check for reports (all are counted)

    [qa.checks.length-ratio]       # per check: enabled, severity, and its own options
    severity = "warning"
    fence = 3.0

    [qa.checks.inconsistent-source]
    enabled = false

The baseline file is JSON: ``{"tool": "tmpipe", "kind": "qa-baseline", "version": 1,
"fingerprints": {"<fingerprint>": {"check", "locale", "file", "id", "message"}}}``.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_open
from ..errors import ConfigError
from .findings import SEVERITIES, Finding, Severity
from .registry import CHECKS, get_check

__all__ = ["CheckSettings", "QaConfig", "load_config", "load_suppressions", "write_suppressions"]

CONFIG_NAME = "tmpipe.toml"
_TOP_KEYS = {"do_not_translate", "fail_on", "max", "suppress", "max_findings", "checks"}


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """One check as configured."""

    enabled: bool = True
    """Whether it runs."""
    severity: Severity | None = None
    """Override of the default severity, or None."""
    options: dict[str, Any] = field(default_factory=dict)
    """Overrides of the check's default options."""


@dataclass(frozen=True, slots=True)
class QaConfig:
    """Everything ``tmpipe.toml`` can say about QA (defaults: every check on, no gate)."""

    checks: dict[str, CheckSettings] = field(default_factory=dict)
    """Per-check settings by id; a check not named here runs with its defaults."""
    do_not_translate: tuple[str, ...] = ()
    """Names that need no translation: a target identical to its source made only of
    these (plus code, URLs and numbers) is reported as ``info``."""
    fail_on: Severity | None = None
    """Gate: fail when a finding of this severity or worse is new."""
    max: dict[str, int] = field(default_factory=dict)
    """Gate: fail when a check has more than N new findings."""
    suppress: Path | None = None
    """Baseline file of accepted findings."""
    max_findings: int = 5000
    """Findings kept per check for the reports (every finding is counted in the summary)."""
    path: Path | None = None
    """The file this came from."""

    def settings(self, check_id: str) -> CheckSettings:
        """The settings of one check (defaults when not configured)."""
        return self.checks.get(check_id, CheckSettings())


def _severity(value: Any, where: str) -> Severity:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: must be one of {', '.join(SEVERITIES)}, not {value!r}")
    return value  # type: ignore[no-any-return]


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table, not {value!r}")
    return value


def parse_config(data: dict[str, Any], path: Path | None = None) -> QaConfig:
    """Validate a decoded ``tmpipe.toml``; every error names the file and the key (``qa.fail_on``),
    and unknown keys, tables and checks list the valid ones."""
    where = str(path or CONFIG_NAME)
    tables = {key for key, value in data.items() if isinstance(value, dict) and key not in _TOP_KEYS}
    foreign = sorted(tables - {"qa", "tool", "project"})
    if foreign:
        raise ConfigError(f"{where}: [{foreign[0]}] is not a table tmpipe reads; its settings go in [qa]"
                          f" ({', '.join(sorted(_TOP_KEYS))})")
    if "qa" in data:
        qa, key = _table(data["qa"], f"{where}: qa"), "qa."
        stray = sorted(set(data) - {"qa", "tool", "project"})
        if stray:
            raise ConfigError(f"{where}: {stray[0]!r} is outside [qa]; put it in the [qa] table")
    else:
        qa, key = {k: v for k, v in data.items() if k not in ("tool", "project")}, ""
    unknown = set(qa) - _TOP_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown QA setting {key}{sorted(unknown)[0]}; "
                          f"choose from: {', '.join(sorted(_TOP_KEYS))}")
    checks: dict[str, CheckSettings] = {}
    for check_id, table in _table(qa.get("checks") or {}, f"{where}: {key}checks").items():
        info = get_check(check_id)
        table = dict(_table(table, f"{where}: [{key}checks.{check_id}]"))
        enabled = table.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}: {key}checks.{check_id}.enabled must be true or false, not {enabled!r}")
        severity = table.pop("severity", None)
        for option, value in table.items():
            if option not in info.options:
                valid = ", ".join(["enabled", "severity", *info.options])
                raise ConfigError(f"{where}: unknown option {key}checks.{check_id}.{option}; choose from: {valid}")
            default = info.options[option]
            if default is not None and not isinstance(value, type(default)) and not (
                    isinstance(default, float) and isinstance(value, int)):
                raise ConfigError(f"{where}: {key}checks.{check_id}.{option} must be {type(default).__name__},"
                                  f" not {value!r}")
        checks[check_id] = CheckSettings(
            enabled, _severity(severity, f"{where}: {key}checks.{check_id}.severity") if severity else None, table)
    dnt = qa.get("do_not_translate", [])
    if not isinstance(dnt, list) or not all(isinstance(t, str) for t in dnt):
        raise ConfigError(f"{where}: {key}do_not_translate must be a list of strings")
    max_ = _table(qa.get("max", {}), f"{where}: {key}max")
    for check_id, count in max_.items():
        get_check(check_id)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ConfigError(f"{where}: {key}max.{check_id} must be a count >= 0, not {count!r}")
    suppress = qa.get("suppress")
    if suppress is not None:
        if not isinstance(suppress, str):
            raise ConfigError(f"{where}: {key}suppress must be the path of a baseline file, not {suppress!r}")
        suppress = (path.parent if path else Path()) / suppress
    fail_on = qa.get("fail_on")
    max_findings = qa.get("max_findings", 5000)
    if not isinstance(max_findings, int) or isinstance(max_findings, bool) or max_findings < 0:
        raise ConfigError(f"{where}: {key}max_findings must be a count >= 0, not {max_findings!r}")
    return QaConfig(checks, tuple(sorted(set(dnt), key=lambda t: (-len(t), t))),
                    _severity(fail_on, f"{where}: {key}fail_on") if fail_on else None, dict(max_), suppress,
                    max_findings, path)


def load_config(path: Path | None = None) -> QaConfig:
    """Read ``path`` (or ``./tmpipe.toml`` when it exists); no file means the defaults."""
    if path is None:
        path = Path(CONFIG_NAME)
        if not path.is_file():
            return QaConfig()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, path)


def load_suppressions(path: Path) -> set[str]:
    """The accepted fingerprints of a baseline file (``--write-baseline`` output)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read baseline: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: not a JSON baseline file: {exc.msg}") from exc
    prints = data.get("fingerprints") if isinstance(data, dict) else data
    if not isinstance(prints, (dict, list)):
        raise ConfigError(f"{path}: baseline has no \"fingerprints\"")
    return set(prints)


def write_suppressions(path: Path, findings: Iterable[Finding]) -> int:
    """Write every finding's fingerprint to a baseline file, sorted for stable diffs; returns the count."""
    prints = {f.fingerprint: {"check": f.check, "locale": f.locale, "file": f.file, "id": f.id,
                              "message": f.message} for f in findings}
    with atomic_open(Path(path)) as handle:
        json.dump({"tool": "tmpipe", "kind": "qa-baseline", "version": 1,
                   "fingerprints": dict(sorted(prints.items()))}, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return len(prints)


def known_checks() -> list[str]:
    """Ids of every registered check, in report order."""
    return list(CHECKS)
