from lab.language.evaluate import evaluate, load_split


def test_a_dev_split_is_read_per_language_without_its_entity_marks(tmp_path):
    (tmp_path / "test_en.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: cancel_order\n  examples: |\n"
        "    - please cancel order [#1042](order_id), I ordered the wrong size\n"
    )
    (tmp_path / "test_vi.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: cancel_order\n  examples: |\n"
        "    - huy don [#1042](order_id) giup minh nha\n"
    )
    rows = load_split(tmp_path, ("en", "vi"))
    assert rows == [
        {"text": "please cancel order #1042, I ordered the wrong size", "language": "en"},
        {"text": "huy don #1042 giup minh nha", "language": "vi"},
    ]
    result = evaluate(rows)
    assert result["per_language"]["vi"] == {"n": 1, "accuracy": 1.0}
