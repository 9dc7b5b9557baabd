"""The review page's API and the server's operator-facing surface, in-process (TestClient)."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("prometheus_client")

from fastapi.testclient import TestClient  # noqa: E402
from PIL import Image  # noqa: E402

from obligations.fields.validate import snils_check_digits  # noqa: E402
from obligations.pipeline import RunOptions  # noqa: E402
from obligations.server.app import ServerConfig, create_app  # noqa: E402

from .conftest import PASSPORT_JPG, SNILS_FIELDS, SNILS_JPG, field, make_batch, result  # noqa: E402

KEY = "k3y-for-tests"


def client_for(tmp_path: Path, paths=(), root_path: str = "", **config) -> TestClient:
    options = RunOptions(service="tesseract", jobs=1)
    app = create_app(ServerConfig(options, review_paths=list(paths), workspace=tmp_path / "workspace", **config))
    return TestClient(app, root_path=root_path)


@pytest.fixture
def batch_client(tmp_path):
    out = make_batch(tmp_path / "batch")
    with client_for(tmp_path, [out]) as client:
        yield client, out


def items(client) -> list[dict]:
    reply = client.get("/api/review/items")
    assert reply.status_code == 200, reply.text
    return reply.json()["items"]


def by_name(client, name: str) -> dict:
    return next(i for i in items(client) if i["name"] == name)


# ---------------------------------------------------------------------- listing and reading


def test_a_batch_lists_invalid_then_low_confidence_then_clean(batch_client):
    client, _ = batch_client
    listed = items(client)
    assert [i["name"] for i in listed] == ["b.json", "c.json", "a.json"]
    assert listed[0]["counts"]["invalid"] == 1 and listed[1]["counts"]["low_confidence"] == 1
    assert all(i["has_source"] and i["status"] == "done" for i in listed)


def test_page_images_have_the_size_the_boxes_refer_to(batch_client):
    client, _ = batch_client
    item = by_name(client, "a.json")
    reply = client.get(f"/api/review/items/{item['id']}/pages/1")
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(reply.content)).size == (2203, 1429)
    assert client.get(f"/api/review/items/{item['id']}/pages/2").status_code == 404


def test_a_turned_page_is_shown_as_ocr_turned_it(tmp_path):
    folder = tmp_path / "turned"
    folder.mkdir()
    shutil.copy(SNILS_JPG, folder / "s.jpg")
    data = result(folder / "s.jpg", "s.jpg", {"number": field("835-378-044 26")}, width=1429, height=2203,
                  rotation=90)
    (folder / "s.json").write_text(json.dumps(data))
    with client_for(tmp_path, [folder]) as client:
        item = items(client)[0]
        image = Image.open(io.BytesIO(client.get(f"/api/review/items/{item['id']}/pages/1").content))
        assert image.size == (1429, 2203)


def test_a_result_whose_source_is_gone_still_lists_its_fields(tmp_path):
    folder = tmp_path / "alone"
    folder.mkdir()
    data = result(SNILS_JPG, "/nowhere/x.jpg", dict(SNILS_FIELDS))
    data["source"]["sha256"] = "0" * 64  # and the sample beside is other bytes
    (folder / "x.json").write_text(json.dumps(data))
    with client_for(tmp_path, [folder]) as client:
        item = items(client)[0]
        assert item["has_source"] is False
        assert client.get(f"/api/review/items/{item['id']}/result").json()["documents"][0]["fields"]["number"]
        assert client.get(f"/api/review/items/{item['id']}/pages/1").status_code == 404


# ---------------------------------------------------------------------- corrections


def test_a_correction_is_normalised_and_validated_as_a_run_would(batch_client):
    client, _ = batch_client
    item = by_name(client, "a.json")
    path = f"/api/review/items/{item['id']}/documents/0/fields/number"
    wrong = client.patch(path, json={"value": "835 378 044 27"}).json()
    assert wrong["field"]["value"] == "835-378-044 27" and wrong["field"]["valid"] is False
    assert "check" in wrong["warning"]
    assert wrong["field"]["source"] == "user" and wrong["field"]["machine_value"] == "835-378-044 26"
    assert wrong["item"]["counts"]["invalid"] == 1 and wrong["item"]["unsaved"] is True
    body = "112233445"
    right = client.patch(path, json={"value": body + snils_check_digits(body)}).json()
    assert right["field"]["value"] == "112-233-445 95" and right["field"]["valid"] is True
    assert right["field"]["machine_value"] == "835-378-044 26"  # the machine's, not the last edit's
    dates = client.patch(f"/api/review/items/{item['id']}/documents/0/fields/birth_date",
                         json={"value": "22.12.1964"}).json()
    assert dates["field"]["value"] == "1964-12-22" and dates["field"]["valid"] is True
    nonsense = client.patch(path, json={"value": "not a number"}).json()
    assert nonsense["field"]["valid"] is False and nonsense["warning"]
    back = client.patch(path, json={"revert": True}).json()
    assert back["field"]["value"] == "835-378-044 26" and back["field"]["source"] == "label"
    assert "machine_value" not in back["field"]


def test_accept_keeps_the_value_and_marks_it_checked(batch_client):
    client, _ = batch_client
    item = by_name(client, "c.json")
    answer = client.patch(f"/api/review/items/{item['id']}/documents/0/fields/last_name",
                          json={"accept": True}).json()
    assert answer["field"]["value"] == "Панфилов" and answer["field"]["source"] == "user"
    assert answer["item"]["counts"]["low_confidence"] == 0


@pytest.mark.parametrize("body, status", [({"valu": "1"}, 400), ({"value": 5}, 400), ([], 400)])
def test_bad_edits_say_what_is_expected(batch_client, body, status):
    client, _ = batch_client
    item = by_name(client, "a.json")
    reply = client.patch(f"/api/review/items/{item['id']}/documents/0/fields/number", json=body)
    assert reply.status_code == status and reply.json()["detail"]


def test_unknown_items_documents_and_fields_are_404(batch_client):
    client, _ = batch_client
    item = by_name(client, "a.json")
    assert client.get("/api/review/items/nope/result").status_code == 404
    assert client.patch(f"/api/review/items/{item['id']}/documents/3/fields/number", json={"value": "1"}).status_code == 404
    assert client.patch(f"/api/review/items/{item['id']}/documents/0/fields/zzz", json={"value": "1"}).status_code == 404


def test_save_writes_beside_then_over_the_original_and_a_new_server_sees_it(tmp_path, batch_client):
    client, out = batch_client
    item = by_name(client, "b.json")
    client.patch(f"/api/review/items/{item['id']}/documents/0/fields/number", json={"value": "83537804426"})
    saved = client.post(f"/api/review/items/{item['id']}/save", json={}).json()
    assert saved["saved_as"] == "b.reviewed.json" and saved["item"]["unsaved"] is False
    written = json.loads((out / "b.reviewed.json").read_text())
    number = written["documents"][0]["fields"]["number"]
    assert number == {**number, "value": "835-378-044 26", "valid": True, "source": "user",
                      "machine_value": "835-378-044 27"}
    assert json.loads((out / "b.json").read_text())["documents"][0]["fields"]["number"]["valid"] is False
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "output.schema.json").read_text())
    jsonschema.validate(written, schema)  # a reviewed file is still a result
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left
    over = client.post(f"/api/review/items/{item['id']}/save", json={"overwrite": True}).json()
    assert over["saved_as"] == "b.json"
    assert json.loads((out / "b.json").read_text())["documents"][0]["fields"]["number"]["source"] == "user"
    with client_for(tmp_path / "again", [out]) as again:
        listed = items(again)
        assert [i["name"] for i in listed] == ["c.json", "a.json", "b.json"]  # b is clean now
        b = listed[-1]
        assert b["saved_as"] == "b.reviewed.json" and b["counts"]["corrected"] == 1


def test_export_json_and_csv(batch_client):
    client, _ = batch_client
    item = by_name(client, "b.json")
    client.patch(f"/api/review/items/{item['id']}/documents/0/fields/number", json={"value": "83537804426"})
    as_json = client.get(f"/api/review/items/{item['id']}/export?format=json")
    assert 'filename="b.json"' in as_json.headers["content-disposition"]
    assert as_json.json()["documents"][0]["fields"]["number"]["source"] == "user"
    as_csv = client.get(f"/api/review/items/{item['id']}/export", params={"format": "csv"})
    lines = as_csv.text.splitlines()
    assert lines[0].endswith("source,machine_value")
    assert any(",number,835-378-044 26," in line and line.endswith("user,835-378-044 27") for line in lines)
    assert client.get(f"/api/review/items/{item['id']}/export?format=xml").status_code == 422


def test_an_upload_is_read_by_the_servers_backend(tmp_path):
    with client_for(tmp_path) as client:
        with PASSPORT_JPG.open("rb") as handle:
            reply = client.post("/api/review/items", files={"file": ("../../pass port.jpg", handle, "image/jpeg")})
        assert reply.status_code == 202, reply.text
        item = reply.json()
        assert item["name"] == "pass port.jpg" and item["status"] in ("queued", "reading")
        for _ in range(600):
            item = client.get(f"/api/review/items/{item['id']}").json()
            if item["status"] in ("done", "failed"):
                break
            import time

            time.sleep(0.1)
        assert item["status"] == "done", item
        assert item["doc_types"] == ["passport"] and item["pages_done"] == item["pages_total"] == 1
        fields = client.get(f"/api/review/items/{item['id']}/result").json()["documents"][0]["fields"]
        assert fields["division_code"]["value"] == "543-086"
        saved = client.post(f"/api/review/items/{item['id']}/save").json()
        assert saved["saved_as"] == "pass port.json"
        assert (tmp_path / "workspace" / item["id"] / "pass port.json").exists()


def test_a_broken_upload_fails_with_its_name_only(tmp_path):
    with client_for(tmp_path) as client:
        item = client.post("/api/review/items", files={"file": ("broken.pdf", b"%PDF-1.4 nonsense", "application/pdf")}).json()
        for _ in range(100):
            item = client.get(f"/api/review/items/{item['id']}").json()
            if item["status"] == "failed":
                break
            import time

            time.sleep(0.05)
        assert item["status"] == "failed" and "broken.pdf" in item["error"]
        assert str(tmp_path) not in item["error"] and "workspace" not in item["error"]


# ---------------------------------------------------------------------- the API key, /docs, the page


def test_with_a_key_only_health_docs_and_the_pages_code_are_open(tmp_path):
    out = make_batch(tmp_path / "batch")
    with client_for(tmp_path, [out], api_key=KEY) as client:
        for path in ("/health", "/docs", "/openapi.json", "/", "/static/review.js", "/static/review.css",
                     "/static/docs.js"):
            assert client.get(path).status_code == 200, path
        for path in ("/info", "/metrics", "/api/review/items", "/v1/models"):
            assert client.get(path).status_code == 401, path
        assert client.get("/static/../app.py").status_code in (401, 404)
        auth = {"Authorization": f"Bearer {KEY}"}
        assert client.get("/api/review/items", headers=auth).status_code == 200
        assert client.get("/static/nothing.js").status_code == 404  # the page's files: a fixed list
        assert client.get("/nothing").status_code == 401  # any other path: the key first


def test_the_page_and_the_docs_load_nothing_from_elsewhere(tmp_path):
    with client_for(tmp_path) as client:
        for path in ("/", "/docs", "/static/review.js", "/static/docs.js", "/static/review.css", "/static/docs.css"):
            text = client.get(path).text
            assert "http://" not in text and "https://" not in text and "cdn" not in text.lower(), path
        spec = client.get("/openapi.json").json()
        schemas = spec["components"]["schemas"]
        assert {"OcrRequest", "ExtractRequest", "FieldEdit", "SaveRequest", "ExtractResponse", "ReviewList"} <= set(schemas)
        ocr = spec["paths"]["/ocr"]["post"]
        assert ocr["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/OcrRequest")
        assert "OcrResponse" in json.dumps(ocr["responses"]["200"])
        assert "multipart/form-data" in spec["paths"]["/extract"]["post"]["requestBody"]["content"]
        for path, item in spec["paths"].items():
            for method, op in item.items():
                assert "200" in op["responses"] or "202" in op["responses"], (method, path)


def test_root_path_is_honoured_by_the_page_and_the_docs(tmp_path):
    with client_for(tmp_path, root_path="/obl") as client:
        assert '<base href="/obl/">' in client.get("/").text
        assert '<base href="/obl/">' in client.get("/docs").text
        assert client.get("/openapi.json").json()["servers"] == [{"url": "/obl"}]


# ---------------------------------------------------------------------- the HTTP API says what it wants


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("L", (200, 60), 255).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("path, body, named", [
    ("/ocr", {}, "'image'"),
    ("/ocr", {"file": "abc"}, "'image'"),
    ("/ocr", {"image": 5}, "'image'"),
    ("/extract", {}, "'file'"),
    ("/extract", {"image": "abc"}, "'file'"),
    ("/extract", {"file": "not base64!!"}, "'file'"),
])
def test_bodies_missing_their_key_name_it(tmp_path, path, body, named):
    with client_for(tmp_path) as client:
        reply = client.post(path, json=body)
        assert reply.status_code == 400 and named in reply.json()["detail"], reply.text


def test_errors_never_show_server_paths(tmp_path):
    with client_for(tmp_path) as client:
        garbage = client.post("/extract", content=b"--xx\r\nContent-Disposition: form-data; name=\"file\"; "
                                                   b"filename=\"a.bin\"\r\n\r\nzzz\r\n--xx--\r\n",
                              headers={"content-type": "multipart/form-data; boundary=xx"})
        assert garbage.status_code == 400
        assert "/tmp" not in garbage.text and "obligations-" not in garbage.text and "a.bin" in garbage.text
        broken = client.post("/extract", content=b"--xx\r\nnonsense", headers={"content-type": "multipart/form-data"})
        assert broken.status_code == 400 and "/tmp" not in broken.text


def test_ocr_gives_one_confidence_scale_and_numeric_lines(tmp_path):
    from PIL import ImageDraw, ImageFont

    image = Image.new("L", (700, 120), 255)
    font = ImageFont.truetype(str(next(Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans.ttf"))), 40)
    ImageDraw.Draw(image).text((20, 30), "Hello world 42", font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    with client_for(tmp_path) as client:
        reply = client.post("/ocr", json={"image": base64.b64encode(buffer.getvalue()).decode(), "language": "eng"})
    body = reply.json()
    assert "Hello" in body["text"]
    assert body["blocks"] and all(0 <= b["confidence"] <= 1 for b in body["blocks"])
    assert any(b["confidence"] > 0.5 for b in body["blocks"])
    assert all(isinstance(b["line"], list) and all(isinstance(n, int) for n in b["line"]) for b in body["blocks"])


def test_metrics_label_routes_not_paths_and_stay_parseable(tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    out = make_batch(tmp_path / "batch")
    with client_for(tmp_path, [out]) as client:
        item = items(client)[0]
        client.get(f"/api/review/items/{item['id']}")
        for odd in ('/a%22b', '/x\\y', '/%0Anewline', '/unknown/1', '/unknown/2'):
            client.get(odd)
        text = client.get("/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}  # raises on a malformed page
    endpoints = {s.labels["endpoint"] for s in families["obligations_requests"].samples}
    assert "/api/review/items/{item_id}" in endpoints and "unmatched" in endpoints
    assert not any(item["id"] in e or "unknown" in e or "%22" in e for e in endpoints)
    latency = {s.labels["endpoint"] for s in families["obligations_request_seconds"].samples}
    assert "/api/review/items" in latency
    assert "obligations_vram_used_bytes" in families and "process_resident_memory_bytes" in families


def test_request_ids_are_echoed(tmp_path):
    with client_for(tmp_path) as client:
        given = client.get("/health", headers={"X-Request-ID": "abc-123"})
        made = client.get("/health", headers={"X-Request-ID": "bad id \n"})
    assert given.headers["x-request-id"] == "abc-123"
    assert made.headers["x-request-id"] != "bad id \n" and len(made.headers["x-request-id"]) == 16
