from lab.loadtest.upsert import main


def test_the_upsert_benchmark_times_new_changed_and_replayed_pushes(capsys):
    assert main(["--orders", "3"]) == 0
    out = capsys.readouterr().out
    assert "3 orders" in out
    assert all(f"{label} " in out for label in ("new", "changed", "replayed"))
