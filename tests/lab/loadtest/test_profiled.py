"""The profiled bot's SQL counter (issue 17): statements by kind and text, commits, per turn."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from lab.loadtest import profiled


def test_sql_counter_counts_statements_commits_and_repeats(monkeypatch) -> None:
    monkeypatch.setattr(profiled, "_sql", {})
    monkeypatch.setattr(profiled, "_stages", {"turn (server side)": [1.0, 2.0]})
    uninstall = profiled.install_sql_counter()
    try:
        engine = create_engine("sqlite://")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as conn:
            for _ in range(3):
                conn.execute(text("SELECT  x\n FROM t WHERE x = :x"), {"x": 1})
    finally:
        uninstall()
    summary = profiled.sql_summary()
    assert summary["turns"] == 2
    assert summary["by_kind"] == {"other": 1, "INSERT": 1, "SELECT": 3, "COMMIT": 1}
    assert summary["per_turn"]["SELECT"] == 1.5
    assert summary["top_statements"][0] == {"count": 3, "statement": "SELECT x FROM t WHERE x = ?"}
    # Removed: a later engine's statements are not counted.
    with create_engine("sqlite://").connect() as conn:
        conn.execute(text("SELECT 1"))
    assert profiled.sql_summary()["by_kind"]["SELECT"] == 3
