def test_health_is_always_ok(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_ready_when_rasa_is_ready(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"rasa": True}


def test_not_ready_names_the_failing_part(client, parser):
    parser.down = True
    response = client.get("/ready")
    assert response.status_code == 503
    assert "rasa" in response.json()["error"]["message"]
    assert response.json()["checks"]["rasa"] is False
