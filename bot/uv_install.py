"""Install into a set-up environment with uv, configured as pip is on this machine (issue 17).

uv installs the same pinned packages as pip several times faster, but it does not read pip's
configuration (``pip.conf``, ``PIP_*`` variables): the local wheel folders, the extra indexes,
the constraints and the certificate that make ``torch==2.13.0`` resolve to the CPU build on
disk. So this reads pip's effective settings (``pip config list``, the same precedence as pip:
``global`` < ``install`` < environment) and passes them to ``uv pip install`` explicitly. A
setting that could change what gets installed and that has no uv equivalent here makes it
refuse (exit 3), and the set-up step falls back to its pip commands, so the environment is
never built differently from pip's.

Runs with the system Python before any environment exists: standard library only.

Usage: ``python -m bot.uv_install --python .venv/bin/python [uv pip install arguments]``
(exit 3: uv missing or pip's configuration not translatable; otherwise uv's own exit code).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Pinned: the bootstrap (the set-up step ``uv``) installs exactly this release from the index.
UV_VERSION = "0.13.8"
# Where that step puts it (``pip install --target``), relative to the repository root.
UV_HOME = ".venv-uv"
NOT_USABLE = 3

# pip sections that apply to ``pip install``, lowest precedence first (pip's own order).
_SECTIONS = ("global", "install", ":env:")
# Settings that change nothing about what is installed (output, pip's own cache, messages).
_NO_EFFECT = frozenset(
    {
        "cache-dir",
        "disable-pip-version-check",
        "log",
        "no-cache-dir",
        "no-color",
        "no-input",
        "no-python-version-warning",
        "progress-bar",
        "quiet",
        "require-virtualenv",
        "retries",
        "root-user-action",
        "verbose",
    }
)
_TRUE = frozenset({"1", "true", "yes", "on"})


class NotTranslatable(ValueError):
    """pip's configuration has a setting this module does not carry over to uv."""


@dataclass
class UvSettings:
    """pip's effective settings as uv command-line options and environment variables."""

    options: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def parse_config_list(text: str) -> dict[str, str]:
    """``pip config list``'s lines (``global.find-links='/opt/wheels'``) -> {key: value}."""
    items: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep or "." not in key:
            continue
        items[key.strip()] = str(ast.literal_eval(value.strip()))
    return items


def effective_settings(items: Mapping[str, str]) -> dict[str, str]:
    """The value pip uses for each setting: the environment over ``install`` over ``global``.
    Sections for other commands (``freeze``, ``download``, ...) do not apply."""
    settings: dict[str, str] = {}
    for section in _SECTIONS:
        prefix = f"{section}."
        for key, value in items.items():
            if key.startswith(prefix):
                settings[key[len(prefix) :]] = value
    return settings


def uv_settings(settings: Mapping[str, str]) -> UvSettings:
    """Translate pip's settings; raise NotTranslatable for one that could change the result."""
    out = UvSettings()

    def each(flag: str, value: str) -> None:
        for item in value.split():  # pip splits list settings on whitespace
            out.options += [flag, item]

    for name, value in sorted(settings.items()):
        if name in _NO_EFFECT:
            continue
        if name == "index-url":
            out.options += ["--index-url", value]
        elif name == "extra-index-url":
            each("--extra-index-url", value)
        elif name == "find-links":
            each("--find-links", value)
        elif name == "constraint":
            each("--constraint", value)
        elif name == "trusted-host":
            each("--allow-insecure-host", value)
        elif name in ("only-binary", "no-binary"):
            each(f"--{name}", value)
        elif name == "no-index":
            if value.lower() in _TRUE:
                out.options.append("--no-index")
        elif name == "pre":
            if value.lower() in _TRUE:
                out.options += ["--prerelease", "allow"]
        elif name == "cert":
            out.env["SSL_CERT_FILE"] = value
        elif name == "client-cert":
            out.env["SSL_CLIENT_CERT"] = value
        elif name in ("timeout", "default-timeout"):
            out.env["UV_HTTP_TIMEOUT"] = value
        elif name == "proxy":
            out.env["HTTP_PROXY"] = out.env["HTTPS_PROXY"] = value
        else:
            raise NotTranslatable(f"pip setting {name}={value!r} has no uv equivalent here")
    return out


def pip_config_text(python: str) -> str:
    """``pip config list`` as the given interpreter's pip sees this machine's configuration."""
    return subprocess.run(
        [python, "-m", "pip", "config", "list"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    ).stdout


def uv_binary(root: Path) -> str | None:
    """The bootstrapped uv of the pinned release (never another uv on PATH: pinned, like pip's
    packages)."""
    home = root / UV_HOME
    uv = home / "bin" / "uv"
    if (home / f"uv-{UV_VERSION}.dist-info").is_dir() and os.access(uv, os.X_OK):
        return str(uv)
    return None


def install_command(uv: str, settings: UvSettings, arguments: Iterable[str]) -> list[str]:
    """``uv pip install`` with pip's settings. ``unsafe-best-match``: like pip, take the best
    version across all indexes and wheel folders (uv's default stops at the first index that
    has the package). ``--compile-bytecode``: pip compiles at install time; without it the first
    Rasa or torch import would compile thousands of modules instead."""
    return [
        uv,
        "pip",
        "install",
        "--index-strategy",
        "unsafe-best-match",
        "--compile-bytecode",
        *settings.options,
        *arguments,
    ]


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    root = Path.cwd()
    uv = uv_binary(root)
    if uv is None:
        print(f"uv {UV_VERSION} is not installed in {UV_HOME}", flush=True)
        return NOT_USABLE
    try:
        pip_config = parse_config_list(pip_config_text(sys.executable))
        settings = uv_settings(effective_settings(pip_config))
    except (NotTranslatable, subprocess.CalledProcessError, ValueError, SyntaxError) as e:
        print(f"pip's configuration cannot be passed to uv: {e}", flush=True)
        return NOT_USABLE
    command = install_command(uv, settings, arguments)
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, env={**os.environ, **settings.env}, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
