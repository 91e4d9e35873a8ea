"""The experiment report on small hand-built logs whose answers are known: rates, losses and
ratings counted by hand, intervals and tests checked against statsmodels and scipy themselves,
and each guardrail made to fire (and not to)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from bot.analytics import experiment_stats as st
from bot.analytics.experiment_render import figures, render_html, render_markdown, write_report
from bot.analytics.experiments import analyse
from policies.experiments import Arm, Experiment

DESIGN = Experiment(
    name="refund-limit",
    salt="s",
    arms=(
        Arm(name="control", weight=50),
        Arm(name="limit-50", weight=50, auto_refund_limit=Decimal("50.00")),
    ),
)


@dataclass
class Log:
    """A decision log built case by case, as the snapshot's tables."""

    decisions: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    buyers: dict[str, str | None] = field(default_factory=dict)
    truth: list[dict] = field(default_factory=list)

    def case(
        self,
        arm: str,
        kind: str,
        *,
        buyer: str | None = None,
        region: str | None = "SG",
        score: float | None = None,
        amount: float | None = None,
        paid: float = 0.0,
        rating: int | None = None,
        genuine: bool | None = None,
        review_cost: float | None = None,
        experiment: str = "refund-limit",
    ) -> str:
        """kind: auto | escalated | refused. Returns the case id."""
        n = len(self.cases)
        case_id, conversation = f"K{n}", f"C{n}"
        buyer = buyer or f"B{n}"
        self.buyers.setdefault(buyer, region)
        route = "auto" if kind == "auto" else "human"
        status = {"auto": "resolved", "escalated": "waiting_for_agent", "refused": "declined"}
        self.cases.append(
            {"case_id": case_id, "conversation_id": conversation, "buyer_id": buyer,
             "status": status[kind]}
        )  # fmt: skip
        loss = None if score is None or amount is None else round(score * amount, 4)
        self.decisions.append(
            {"decision_id": f"D{n}", "case_id": case_id, "route": route, "experiment": experiment,
             "arm": arm, "score": score, "amount": amount, "review_cost": review_cost,
             "expected_loss": loss, "created_at": pd.Timestamp("2026-11-20", tz="UTC")}
        )  # fmt: skip
        if paid:
            self.actions.append(
                {"action_id": f"A{n}", "case_id": case_id, "actor": "bot", "type": "refund",
                 "amount": paid}
            )  # fmt: skip
        if rating is not None:
            self.ratings.append(
                {"rating_id": f"R{n}", "case_id": case_id, "conversation_id": conversation,
                 "score": rating}
            )  # fmt: skip
        if genuine is not None:
            self.truth.append(
                {"conversation_id": conversation, "claim_genuine": str(genuine),
                 "region": region or "SG"}
            )  # fmt: skip
        return case_id

    def tables(self) -> dict[str, pd.DataFrame]:
        def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
            return pd.DataFrame(rows, columns=columns)

        return {
            "decisions": frame(self.decisions, ["decision_id", "case_id", "route", "experiment",
                               "arm", "score", "amount", "review_cost", "expected_loss",
                               "created_at"]),
            "cases": frame(self.cases, ["case_id", "conversation_id", "buyer_id", "status"]),
            "actions": frame(self.actions, ["action_id", "case_id", "actor", "type", "amount"]),
            "ratings": frame(self.ratings, ["rating_id", "case_id", "conversation_id", "score"]),
            "buyers": pd.DataFrame(
                {"buyer_id": list(self.buyers), "region": list(self.buyers.values())}
            ),
        }  # fmt: skip

    def truth_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.truth)


def balanced_log() -> Log:
    """100 cases a side, one buyer each. Control: 40 automated (30 paid $20, p=0.05), 35
    escalated, 25 refused. limit-50: 30 automated (20 paid), 50 escalated, 20 refused."""
    log = Log()
    for arm, auto, paid, escalated, refused in (("control", 40, 30, 35, 25),
                                                ("limit-50", 30, 20, 50, 20)):  # fmt: skip
        for i in range(auto):
            money = 20.0 if i < paid else 0.0
            log.case(arm, "auto", score=0.05 if money else None, amount=money or None,
                     paid=money, rating=5 if i % 2 else 4, genuine=i % 10 != 0)  # fmt: skip
        for _ in range(escalated):
            log.case(arm, "escalated", genuine=True)
        for _ in range(refused):
            log.case(arm, "refused", genuine=False)
    return log


@pytest.fixture(scope="module")
def balanced():
    log = balanced_log()
    report = analyse(log.tables(), designs=[DESIGN], truth=log.truth_frame(), n_boot=500)
    return log, report


def test_rates_and_wilson_intervals_match_statsmodels(balanced):
    _log, report = balanced
    [e] = report.experiments
    assert e.control == "control" and [a.name for a in e.arms] == ["control", "limit-50"]
    control, arm = e.arm("control"), e.arm("limit-50")
    assert (control.cases, control.buyers, arm.cases) == (100, 100, 100)
    # Automated as the summary counts it: the bot closed the case, refusals included (40 + 25
    # and 30 + 20).
    for a, auto, escalated in ((control, 65, 35), (arm, 50, 50)):
        rate = a.metrics["automation_rate"]
        low, high = proportion_confint(auto, 100, alpha=0.05, method="wilson")
        assert rate.value == auto / 100
        assert (rate.low, rate.high) == pytest.approx((low, high))
        assert a.metrics["escalation_rate"].value == escalated / 100
    test = e.comparisons["limit-50"]["escalation_rate"]
    _z, p = proportions_ztest([50, 35], [100, 100])
    assert test.difference == pytest.approx(0.15) and test.p_value == pytest.approx(p)
    assert test.low < 0.15 < test.high


def test_losses_per_case_are_counted_by_hand(balanced):
    _log, report = balanced
    [e] = report.experiments
    control, arm = e.arm("control"), e.arm("limit-50")
    # Control: 30 automated x 0.05 x $20 + 35 escalated x $2.50, over 100 cases.
    assert control.metrics["expected_loss_per_case"].value == pytest.approx(
        (30 * 1.0 + 35 * 2.5) / 100
    )
    assert arm.metrics["expected_loss_per_case"].value == pytest.approx((20 * 1.0 + 50 * 2.5) / 100)
    # Realised: paid claims that were not genuine (i % 10 == 0 among the paid: 3 and 2 of
    # them, $20 each) plus the review cost of every escalated case.
    assert control.metrics["realised_loss_per_case"].value == pytest.approx(
        (3 * 20 + 35 * 2.5) / 100
    )
    assert arm.metrics["realised_loss_per_case"].value == pytest.approx((2 * 20 + 50 * 2.5) / 100)
    loss = control.metrics["expected_loss_per_case"]
    assert loss.low < loss.value < loss.high
    diff = e.comparisons["limit-50"]["expected_loss_per_case"]
    assert diff.difference == pytest.approx(1.45 - 1.175)


def test_csat_uses_welch_and_mann_whitney(balanced):
    _log, report = balanced
    [e] = report.experiments
    control_scores = [5 if i % 2 else 4 for i in range(40)]
    arm_scores = [5 if i % 2 else 4 for i in range(30)]
    csat = e.arm("control").metrics["csat"]
    assert csat.value == pytest.approx(np.mean(control_scores)) and csat.n == 40
    test = e.comparisons["limit-50"]["csat"]
    welch = stats.ttest_ind(arm_scores, control_scores, equal_var=False)
    assert test.p_value == pytest.approx(welch.pvalue)
    assert test.p_value_secondary == pytest.approx(
        stats.mannwhitneyu(arm_scores, control_scores, alternative="two-sided").pvalue
    )


def test_guardrails_on_the_balanced_log(balanced):
    _log, report = balanced
    codes = {(g.code, g.metric) for g in report.experiments[0].guardrails}
    assert ("escalations_up", "escalation_rate") in codes  # +15 pp, p ~ 0.03
    assert not any(code == "sample_ratio_mismatch" for code, _ in codes)  # 100 / 100 buyers
    assert ("csat_selection", "csat") not in codes  # 40% vs 30% rated: p ~ 0.14
    inconclusive = [g for g in report.experiments[0].guardrails if g.code == "inconclusive"]
    # Automation 65% vs 50% (refusals count as the bot's) is a difference at p ~ 0.03, not an
    # inconclusive one; CSAT stays inconclusive.
    assert "csat" in {g.metric for g in inconclusive}
    assert "automation_rate" not in {g.metric for g in inconclusive}
    assert all("80% power" in g.message for g in inconclusive)


def test_sample_ratio_mismatch_fires_on_70_30_not_on_50_50():
    def log(control: int, arm: int) -> Log:
        built = Log()
        for name, n in (("control", control), ("limit-50", arm)):
            for _ in range(n):
                built.case(name, "escalated")
        return built

    skewed = analyse(log(140, 60).tables(), designs=[DESIGN], n_boot=50).experiments[0]
    even = analyse(log(100, 100).tables(), designs=[DESIGN], n_boot=50).experiments[0]
    assert skewed.srm["p_value"] == pytest.approx(stats.chisquare([140, 60]).pvalue)
    assert any(g.code == "sample_ratio_mismatch" for g in skewed.guardrails)
    assert not any(g.code == "sample_ratio_mismatch" for g in even.guardrails)
    # Weights come from the design: 140/60 is no mismatch for a 70/30 experiment.
    seventy = DESIGN.model_copy(
        update={"arms": (DESIGN.arms[0].model_copy(update={"weight": 70}),
                         DESIGN.arms[1].model_copy(update={"weight": 30}))}
    )  # fmt: skip
    fine = analyse(log(140, 60).tables(), designs=[seventy], n_boot=50).experiments[0]
    assert not any(g.code == "sample_ratio_mismatch" for g in fine.guardrails)


def test_fairness_gap_over_regions_and_its_guardrail():
    log = Log()
    # Control: SG 12/20 auto-approved, ID 6/20: a 30-point gap; VN has too few cases to count.
    # limit-50: 10/20 in both regions: no gap.
    for arm, rates in (("control", {"SG": 12, "ID": 6}), ("limit-50", {"SG": 10, "ID": 10})):
        for region, approved in rates.items():
            for i in range(20):
                if i < approved:
                    log.case(arm, "auto", region=region, score=0.01, amount=10.0, paid=10.0)
                else:
                    log.case(arm, "refused", region=region)
        for _ in range(3):
            log.case(arm, "auto", region="VN", score=0.01, amount=10.0, paid=10.0)
    [e] = analyse(log.tables(), designs=[DESIGN], n_boot=300).experiments
    assert e.arm("control").metrics["fairness_gap"].value == pytest.approx(0.30)
    assert e.arm("limit-50").metrics["fairness_gap"].value == pytest.approx(0.0)
    fired = [g for g in e.guardrails if g.code == "fairness_gap"]
    assert [g.arm for g in fired] == ["control"]
    table = [[12, 8], [6, 14]]  # SG, ID: approved, not
    differ = stats.chi2_contingency(table, correction=False).pvalue
    assert e.arm("control").regions_differ_p == pytest.approx(differ)
    assert ("do not differ significantly" in fired[0].message) == (differ >= 0.05)
    vn = next(r for r in e.arm("control").regions if r["region"] == "VN")
    assert vn["cases"] == 3 and vn["in_gap"] is False


def test_falling_csat_and_small_arms_are_flagged():
    log = Log()
    for i in range(40):
        log.case("control", "auto", rating=5 if i % 4 else 4)
        log.case("limit-50", "auto", rating=2 if i % 4 else 3)
    for _ in range(5):
        log.case("limit-50", "escalated")
    [e] = analyse(log.tables(), designs=[DESIGN], n_boot=50).experiments
    assert any(g.code == "csat_down" and g.arm == "limit-50" for g in e.guardrails)
    small = Log()
    for _ in range(10):
        small.case("control", "auto")
        small.case("limit-50", "escalated")
    [tiny] = analyse(small.tables(), designs=[DESIGN], n_boot=50).experiments
    assert {g.arm for g in tiny.guardrails if g.code == "too_few_samples"} >= {
        "control",
        "limit-50",
    }


def test_the_latest_decision_of_a_case_decides_and_other_logs_are_ignored():
    log = Log()
    case_id = log.case("control", "escalated")
    log.decisions.insert(
        0, {**log.decisions[0], "decision_id": "old", "route": "auto",
            "created_at": pd.Timestamp("2026-11-19", tz="UTC")},
    )  # fmt: skip
    log.case("control", "auto", experiment=None)  # type: ignore[arg-type]
    log.decisions[-1]["experiment"] = None
    [e] = analyse(log.tables(), designs=[DESIGN], n_boot=20).experiments
    control = e.arm("control")
    assert control.cases == 1 and control.metrics["escalation_rate"].value == 1.0
    assert case_id == "K0"


def test_escalation_is_where_the_case_went_not_only_its_route():
    log = Log()
    log.case("control", "refused")  # routed human by the rules, explained by the bot
    log.case("control", "auto")
    log.cases[-1]["status"] = "waiting_for_agent"  # routed auto, but handed over
    log.case("control", "escalated")
    log.cases[-1]["status"] = "closed"  # an agent finished it
    [e] = analyse(log.tables(), designs=[DESIGN], n_boot=20).experiments
    metrics = e.arm("control").metrics
    assert metrics["escalation_rate"].value == pytest.approx(2 / 3)
    # The refusal is the bot's: automated, as the summary counts it.
    assert metrics["automation_rate"].value == pytest.approx(1 / 3)


def test_the_cases_between_the_limits_are_counted_apart():
    """Only a claim of $50-100 can be routed differently by a $50 limit; its automation rate is
    reported on its own, beside the diluted rate over all cases."""
    log = Log()
    for i in range(10):
        log.case("control", "auto" if i < 7 else "escalated", score=0.01, amount=80.0, paid=80.0)
        log.case("limit-50", "escalated", score=0.01, amount=80.0)
    for _ in range(30):
        log.case("control", "auto", score=0.01, amount=20.0, paid=20.0)
        log.case("limit-50", "auto", score=0.01, amount=20.0, paid=20.0)
        log.case("control", "auto", score=0.01, amount=150.0)  # over both limits: not in the band
    [e] = analyse(log.tables(), designs=[DESIGN], n_boot=20).experiments
    assert (e.arm("control").triggered, e.arm("limit-50").triggered) == (10, 10)
    assert e.arm("control").metrics["band_automation_rate"].value == 0.7
    assert e.arm("limit-50").metrics["band_automation_rate"].value == 0.0
    test = e.comparisons["limit-50"]["band_automation_rate"]
    assert test.difference == pytest.approx(-0.7) and test.significant()


def test_trace_json_gives_the_same_losses_as_flat_columns():
    log = balanced_log()
    tables = log.tables()
    d = tables["decisions"]
    traces = [
        json.dumps({"score": s, "eligibility": None if pd.isna(a) else {"amount": f"{a:.2f}"},
                    "review_cost": None, "expected_loss": el})
        for s, a, el in zip(d["score"], d["amount"], d["expected_loss"], strict=True)
    ]  # fmt: skip
    as_json = d.drop(columns=["score", "amount", "review_cost", "expected_loss"]).assign(
        trace=traces
    )
    flat = analyse(tables, designs=[DESIGN], n_boot=100, seed=3)
    traced = analyse({**tables, "decisions": as_json}, designs=[DESIGN], n_boot=100, seed=3)
    assert traced.to_dict() == flat.to_dict()


def test_report_is_repeatable_json_safe_and_rendered(balanced, tmp_path):
    log, report = balanced
    again = analyse(log.tables(), designs=[DESIGN], truth=log.truth_frame(), n_boot=500)
    assert again.to_dict() == report.to_dict()
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert '"primary_metric": "expected_loss_per_case"' in text
    markdown = render_markdown(report)
    assert "| expected loss per case ($) |" in markdown and "escalations_up" in markdown
    assert "<table>" in render_html(report)
    paths = write_report(report, tmp_path)
    pngs = [p for p in paths if p.suffix == ".png"]
    assert len(pngs) == len(figures(report)) == 9
    assert all(p.stat().st_size > 1000 for p in pngs)


def test_no_experiment_in_the_log():
    log = Log()
    log.case("control", "auto")
    log.decisions[0]["experiment"] = None
    report = analyse(log.tables(), n_boot=10)
    assert report.experiments == [] and "No decision" in render_markdown(report)


# --- the statistics on their own ------------------------------------------------------------------


def test_minimum_detectable_effect_has_the_stated_power():
    def power(baseline: float, moved: float, n: int) -> float:
        h = abs(2 * math.asin(math.sqrt(moved)) - 2 * math.asin(math.sqrt(baseline)))
        return NormalIndPower().power(effect_size=h, nobs1=n, ratio=1.0, alpha=0.05)

    for baseline, n in ((0.3, 200), (0.05, 1000), (0.9, 150), (0.0, 100)):
        mde = st.mde_proportion(baseline, n, n)
        assert mde is not None and mde > 0
        # A change of the MDE either way is detected with at least 80% power, and exactly 80%
        # in the harder direction (away from the nearer end of [0, 1]).
        moves = [m for m in (baseline - mde, baseline + mde) if 0 <= m <= 1]
        powers = [power(baseline, m, n) for m in moves]
        assert min(abs(p - 0.8) for p in powers) < 0.005
        assert all(p > 0.795 for p in powers)
    assert st.mde_proportion(0.5, 1, 1) is None


def test_bootstrap_is_repeatable_and_covers_the_ratio():
    sums, counts = np.array([0.0, 5.0, 10.0, 0.0]), np.array([1.0, 1.0, 2.0, 1.0])
    a = st.bootstrap_ratio(sums, counts, np.random.default_rng(1), 200)
    b = st.bootstrap_ratio(sums, counts, np.random.default_rng(1), 200)
    assert np.array_equal(a, b)
    interval = st.percentile_interval(15 / 5, a, 4)
    assert interval.low <= 3.0 <= interval.high
    same = st.compare_bootstrap(0.0, a, a.copy())
    assert same.p_value == 1.0


def test_degenerate_proportions_do_not_break():
    test = st.compare_proportions(0, 50, 0, 50)
    assert test.p_value == 1.0 and test.difference == 0.0
    assert st.wilson(0, 0).value is None
    assert st.sample_ratio_mismatch([0, 0], [1, 1]) == (0.0, 1.0)


@pytest.mark.integration
def test_pyspark_gives_the_same_report_as_duckdb(tmp_path):
    """The same Ibis expressions on Spark (local mode): identical numbers, to the bootstrap."""
    import shutil

    if shutil.which("java") is None:
        pytest.skip("PySpark needs a Java runtime (make system-packages installs one)")
    import ibis
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bot.analytics.tables import local_spark

    log = balanced_log()
    tables = log.tables()
    session = local_spark()
    con = ibis.pyspark.connect(session)
    on_spark = {}
    for name, frame in tables.items():
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
        # An all-null column has no type Spark can read; the snapshot's would be float64.
        arrow = arrow.cast(
            pa.schema([f.with_type(pa.float64()) if pa.types.is_null(f.type) else f
                       for f in arrow.schema])
        )  # fmt: skip
        pq.write_table(arrow, tmp_path / f"{name}.parquet")
        view = f"experiments_test_{name}"
        session.read.parquet(str(tmp_path / f"{name}.parquet")).createOrReplaceTempView(view)
        on_spark[name] = con.table(view)
    truth = log.truth_frame()
    spark = analyse(on_spark, designs=[DESIGN], truth=truth, n_boot=200, seed=5)
    duck = analyse(tables, designs=[DESIGN], truth=truth, n_boot=200, seed=5)
    assert spark.to_dict() == duck.to_dict()


def test_the_analytics_reports_section(monkeypatch):
    """`report_section(tables, window)` as `bot.analytics.report.run_sections` calls it."""
    import pyarrow as pa

    from bot.analytics import experiments
    from bot.analytics.report import run_sections
    from bot.analytics.tables import SCHEMAS, from_arrow

    from .handbuilt import WINDOW

    log = balanced_log()
    rows = log.tables()
    rows["conversations"] = pd.DataFrame(
        {"conversation_id": rows["cases"]["conversation_id"],
         "buyer_id": rows["cases"]["buyer_id"], "created_at": WINDOW.since}
    )  # fmt: skip

    def record(row: dict) -> dict:
        clean = {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
        for money in ("amount", "review_cost"):  # decimal(12, 2) in the snapshot
            if clean.get(money) is not None:
                clean[money] = Decimal(f"{clean[money]:.2f}")
        return clean

    arrow = {
        name: pa.Table.from_pylist([record(r) for r in frame.to_dict("records")], SCHEMAS[name])
        for name, frame in rows.items()
    }
    monkeypatch.setattr(experiments, "default_designs_path", lambda: None)
    section = run_sections(from_arrow(arrow), WINDOW)["experiments"]
    assert section["available"] is True, section.get("note")
    assert "refund-limit" in section["summary"]
    assert section["figures"] and all(svg.startswith("<svg") for svg in section["figures"].values())
    assert {"refund-limit: arms", "refund-limit: metrics"} <= set(section["tables"])
    json.dumps(section["report"], allow_nan=False)
    [experiment] = section["report"]["experiments"]
    control = experiment["arms"][0]["metrics"]["expected_loss_per_case"]["value"]
    assert control == pytest.approx((30 * 1.0 + 35 * 2.5) / 100)  # as from the frames


def test_the_command_line_reads_a_snapshot_and_writes_the_report(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bot.analytics import experiment_cli
    from bot.analytics.tables import SCHEMAS, TABLE_NAMES, make_manifest, write_manifest

    from .handbuilt import WINDOW

    assert experiment_cli.N_BOOT == st.N_BOOT  # repeated there to keep the CLI import light
    log = balanced_log()
    frames = log.tables()
    frames["decisions"] = frames["decisions"].assign(amount=None, review_cost=None, score=None)
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for name in TABLE_NAMES:
        rows = frames[name].to_dict("records") if name in frames else []
        rows = [{k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
                for r in rows]  # fmt: skip
        for row in rows:
            if row.get("amount") is not None:
                row["amount"] = Decimal(f"{row['amount']:.2f}")
        pq.write_table(pa.Table.from_pylist(rows, SCHEMAS[name]), snapshot / f"{name}.parquet")
    write_manifest(snapshot, make_manifest(WINDOW, {}, source="test", text="omitted"))
    truth = tmp_path / "truth.csv"
    log.truth_frame().to_csv(truth, index=False)
    design = tmp_path / "experiments.yml"
    design.write_text(
        "experiments:\n  - name: refund-limit\n    salt: s\n    arms:\n"
        "      - {name: control, weight: 50}\n"
        '      - {name: limit-50, weight: 50, auto_refund_limit: "50.00"}\n'
    )
    out = tmp_path / "report"
    args = ["--snapshot", str(snapshot), "--out", str(out), "--bootstrap", "100"]
    code = experiment_cli.main([*args, "--truth", str(truth), "--experiments", str(design)])
    assert code == 0 and "## refund-limit" in capsys.readouterr().out
    written = json.loads((out / "experiments.json").read_text())
    [experiment] = written["experiments"]
    assert experiment["design"] == "experiments file"
    assert experiment["arms"][1]["overrides"] == {"auto_refund_limit": "50.00"}
    assert "realised_loss_per_case" in experiment["arms"][0]["metrics"]
    assert (out / "experiments.md").exists() and len(list(out.glob("*.png"))) == 9
    assert experiment_cli.main([*args, "--experiments", str(tmp_path / "none.yml")]) == 2
    assert "none.yml" in capsys.readouterr().err


def test_a_ratings_interval_stays_on_the_1_to_5_scale():
    import numpy as np

    from bot.analytics import experiment_stats as st

    interval = st.mean_t(np.array([4.0, 5.0]), bounds=(1.0, 5.0))
    assert interval.low >= 1.0 and interval.high <= 5.0 and interval.value == 4.5


def test_a_bootstrap_without_spread_makes_no_claim_of_significance():
    import numpy as np

    from bot.analytics import experiment_stats as st

    # One buyer per arm: every replicate is the same value, the difference is not evidence.
    test = st.compare_bootstrap(1.43, np.full(200, 2.5), np.full(200, 1.07))
    assert test.p_value is None and test.low is None
