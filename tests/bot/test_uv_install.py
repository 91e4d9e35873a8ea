"""pip's configuration carried over to uv: parsing, precedence, translation, the command."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot import uv_install
from bot.uv_install import (
    NOT_USABLE,
    UV_HOME,
    UV_VERSION,
    NotTranslatable,
    effective_settings,
    install_command,
    parse_config_list,
    uv_settings,
)

# `pip config list` as printed on a machine configured like the CI one (pip.conf files and
# PIP_* variables both), with a setting for another command and a quoted value.
CONFIG_LIST = """\
:env:.cert='/etc/ssl/certs/ca.crt'
:env:.default-timeout='180'
:env:.disable-pip-version-check='1'
:env:.find-links='/srv/wheels'
download.find-links='/never/used'
global.cert='/etc/ssl/old.crt'
global.constraint='/etc/pip/constraints.txt'
global.extra-index-url='file:///srv/pypi/simple https://mirror.example/simple'
global.find-links='/srv/other-wheels'
install.no-index='false'
global.index-url="https://pypi.example/it's/simple"
"""


def test_pip_config_list_lines_are_parsed_with_their_quoting() -> None:
    items = parse_config_list(CONFIG_LIST + "not a setting\n")
    assert items[":env:.find-links"] == "/srv/wheels"
    assert items["global.index-url"] == "https://pypi.example/it's/simple"
    assert len(items) == 11


def test_the_environment_wins_over_install_over_global_and_other_commands_do_not_count() -> None:
    settings = effective_settings(
        {
            "global.find-links": "/g",
            "install.find-links": "/i",
            "global.cert": "/g.crt",
            ":env:.cert": "/e.crt",
            "global.pre": "1",
            "install.pre": "0",
            "download.index-url": "https://elsewhere/simple",
        }
    )
    assert settings == {"find-links": "/i", "cert": "/e.crt", "pre": "0"}


def test_the_ci_machines_settings_become_uv_options_and_variables() -> None:
    uv = uv_settings(effective_settings(parse_config_list(CONFIG_LIST)))
    pairs = list(zip(uv.options[::2], uv.options[1::2], strict=True))
    assert ("--find-links", "/srv/wheels") in pairs  # the environment's, not global's
    assert ("--find-links", "/srv/other-wheels") not in pairs
    assert ("--constraint", "/etc/pip/constraints.txt") in pairs
    assert ("--extra-index-url", "file:///srv/pypi/simple") in pairs  # split like pip
    assert ("--extra-index-url", "https://mirror.example/simple") in pairs
    assert ("--index-url", "https://pypi.example/it's/simple") in pairs
    assert "--no-index" not in uv.options  # 'false'
    assert uv.env == {"SSL_CERT_FILE": "/etc/ssl/certs/ca.crt", "UV_HTTP_TIMEOUT": "180"}


def test_flags_and_host_settings_translate() -> None:
    uv = uv_settings(
        {"no-index": "yes", "pre": "true", "trusted-host": "a.example b.example", "proxy": "p:3"}
    )
    assert "--no-index" in uv.options
    assert uv.options[uv.options.index("--prerelease") + 1] == "allow"
    assert uv.options.count("--allow-insecure-host") == 2
    assert uv.env == {"HTTP_PROXY": "p:3", "HTTPS_PROXY": "p:3"}


@pytest.mark.parametrize("name", ["user", "prefer-binary", "use-feature", "require-hashes"])
def test_a_setting_that_could_change_the_result_is_refused(name: str) -> None:
    with pytest.raises(NotTranslatable, match=name):
        uv_settings({"find-links": "/w", name: "1"})


def test_the_command_takes_the_best_match_across_indexes_and_compiles_like_pip() -> None:
    uv = uv_settings({"find-links": "/w"})
    command = install_command("/x/uv", uv, ["--python", "p", "torch==2.13.0"])
    assert command[:3] == ["/x/uv", "pip", "install"]
    assert command[command.index("--index-strategy") + 1] == "unsafe-best-match"
    assert "--compile-bytecode" in command
    assert command[-3:] == ["--python", "p", "torch==2.13.0"]


def _fake_uv(root: Path, version: str = UV_VERSION) -> Path:
    """A uv that records its arguments and SSL_CERT_FILE, in the bootstrap's layout."""
    home = root / UV_HOME
    (home / f"uv-{version}.dist-info").mkdir(parents=True)
    uv = home / "bin" / "uv"
    uv.parent.mkdir()
    uv.write_text('#!/bin/sh\necho "$@" > called\necho "$SSL_CERT_FILE" >> called\nexit 7\n')
    uv.chmod(uv.stat().st_mode | stat.S_IXUSR)
    return uv


def test_main_runs_the_pinned_uv_with_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uv = _fake_uv(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uv_install, "pip_config_text", lambda _python: CONFIG_LIST)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)

    assert uv_install.main(["--python", "env/bin/python", "--no-deps", "x==1"]) == 7  # uv's code

    arguments, cert = (tmp_path / "called").read_text().splitlines()
    assert arguments.startswith("pip install --index-strategy unsafe-best-match")
    assert "--find-links /srv/wheels" in arguments
    assert arguments.endswith("--python env/bin/python --no-deps x==1")
    assert cert == "/etc/ssl/certs/ca.crt"
    assert os.access(uv, os.X_OK)


def test_main_refuses_without_the_pinned_uv_or_with_an_untranslatable_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uv_install, "pip_config_text", lambda _python: CONFIG_LIST)
    assert uv_install.main(["x"]) == NOT_USABLE
    assert "is not installed" in capsys.readouterr().out

    _fake_uv(tmp_path, version="0.0.1")  # another release than the pin
    assert uv_install.main(["x"]) == NOT_USABLE

    _fake_uv(tmp_path / "pinned")
    monkeypatch.chdir(tmp_path / "pinned")
    monkeypatch.setattr(uv_install, "pip_config_text", lambda _python: "global.prefer-binary='1'\n")
    assert uv_install.main(["x"]) == NOT_USABLE
    assert "prefer-binary" in capsys.readouterr().out
    assert not (tmp_path / "pinned" / "called").exists()
