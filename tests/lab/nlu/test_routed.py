"""lab.nlu.routed: the lab reads messages as the product routes them, and replays Rasa's
answers from the recording (a fake Rasa over real HTTP stands in for the server)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lab.nlu.routed import RecordingTransport, Server, oos_recall, read_routed
from nlu.types import Thresholds


def _fake_rasa(intent_of):
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            text = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["text"]
            calls.append(text)
            name, confidence = intent_of(text)
            body = json.dumps(
                {
                    "text": text,
                    "intent": {"name": name, "confidence": confidence},
                    "intent_ranking": [{"name": name, "confidence": confidence}],
                    "entities": [],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    return server, Server(url, "token-0123456789abcdef", RecordingTransport()), calls


@pytest.fixture
def servers():
    english_server, english, english_calls = _fake_rasa(
        lambda t: ("track_order", 0.9) if "parcel" in t else ("out_of_scope", 0.9)
    )
    ml_server, multilingual, ml_calls = _fake_rasa(lambda t: ("damaged_item", 0.5))
    yield english, multilingual, english_calls, ml_calls
    english_server.shutdown()
    ml_server.shutdown()


def test_messages_are_routed_by_their_language_and_answers_replayed(servers):
    english, multilingual, english_calls, ml_calls = servers
    texts = ["where is my parcel please", "barang saya rosak teruk, saya nak pulangkan"]

    def read(confidence: float):
        return read_routed(
            texts,
            english,
            multilingual,
            english_thresholds=Thresholds(),
            multilingual_thresholds=Thresholds(confidence, 0.0),
        )

    first = read(0.3)
    assert [r.model for r in first] == ["english", "multilingual"]
    assert [r.reading.intent.name for r in first] == ["track_order", "damaged_item"]
    asked = (list(english_calls), list(ml_calls))
    # Another threshold: the same answers, replayed, and the multilingual reading now too weak.
    second = read(0.6)
    assert [r.reading.intent.name for r in second] == ["track_order", "out_of_scope"]
    assert (english_calls, ml_calls) == asked


def test_oos_recall_counts_only_out_of_scope_messages():
    gold = ["out_of_scope", "out_of_scope", "cancel_order"]
    assert oos_recall(gold, ["out_of_scope", "cancel_order", "out_of_scope"]) == 0.5
