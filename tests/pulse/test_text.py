"""Free text in the application: comments at record time, safeguarding message, purge, CLI."""
from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from pulse.extensions import db
from pulse.models import Answer, Comment, TextModel, Topic, TopicLabel, TopicPrediction
from tests.support import GOOD_ANSWERS, submit

PERSONAL = "Better lighting outside 14 Elm Grove Road, ring me on 07700 900123"
DISCLOSURE = "My husband hits me when he drinks and I am scared to go home"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_free_text_is_routed_to_a_redacted_comment_with_a_purge_deadline(app, client, survey_area):
    done = submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": PERSONAL})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/s/{survey_area.ward}/thanks")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="report-now"' not in page
    assert "999" in page  # the everyday how-to-report notice is always there

    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.raw_text == PERSONAL
        assert comment.redacted_text == "Better lighting outside [address], ring me on [phone]"
        assert comment.purge_after - comment.submitted_at == timedelta(days=30)
        assert comment.safeguarding_flag is False and comment.safeguarding_reasons == []
        # The answer row keeps only the redacted words.
        texts = db.session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
        assert texts == [comment.redacted_text]


def test_a_disclosure_is_flagged_and_the_resident_is_told_how_to_report(app, client, survey_area):
    done = submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": DISCLOSURE})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/thanks?report=1")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="report-now"' in page
    assert "call 999 now" in page and "101" in page
    assert "not a way to report a crime" in page
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.safeguarding_flag is True
        assert "domestic_abuse" in comment.safeguarding_reasons


def test_no_comment_without_free_text(app, client, survey_area):
    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": ""})
    with app.app_context():
        assert count(Comment) == 0


def test_raw_text_is_purged_after_retention_but_the_redacted_copy_stays(app, client, runner,
                                                                        survey_area):
    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": PERSONAL})
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        comment.purge_after = datetime.now(UTC) + timedelta(days=1)
        db.session.commit()
    kept = runner.invoke(args=["text", "purge"])
    assert kept.exit_code == 0 and "from 0 comments" in kept.output
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        comment.purge_after = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    purged = runner.invoke(args=["text", "purge"])
    assert purged.exit_code == 0 and "from 1 comments" in purged.output
    with app.app_context():
        comment = db.session.scalar(select(Comment))
        assert comment.raw_text is None and comment.purge_after is None
        assert "[phone]" in comment.redacted_text


def test_retention_job_purges_raw_text(app, client, survey_area):
    from pulse.jobs.tasks import retention_job

    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": PERSONAL})
    with app.app_context():
        touched = retention_job(now=datetime.now(UTC) + timedelta(days=31))
        db.session.commit()
        assert touched >= 1
        assert db.session.scalar(select(Comment.raw_text)) is None


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_train_classify_evaluate_rollback(app, client, runner, survey_area, tmp_path):
    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": "dealers on the corner"})
    labels = _write(tmp_path / "labels.csv", [
        {"text": "lads selling weed behind the garages", "topic": "drugs"},
        {"text": "someone nicked my bike from the hallway", "topic": "theft_burglary"},
    ])

    first = runner.invoke(args=["text", "train", "--labels", str(labels), "--labelled-by",
                                "analyst A", "--base", "seed", "--folds", "2"])
    assert first.exit_code == 0, first.output
    assert "macro-F1" in first.output and "is live" in first.output
    assert "theft_burglary" in first.output  # per-topic table
    with app.app_context():
        live = db.session.scalar(select(TextModel).where(TextModel.status == "live"))
        assert live.macro_f1 is not None and Path(live.artifact_path).is_file()
        metadata = json.loads(Path(live.artifact_path).read_text())
        assert metadata["training_data"]["rows"] == 622
        assert metadata["artifact"]["signature"]  # signed with the app's SECRET_KEY
        assert count(Topic) == 10
        stored = db.session.scalars(select(TopicLabel)).all()
        assert {(label.labelled_by, label.source) for label in stored} == {("analyst A", "file")}
        prediction = db.session.scalar(select(TopicPrediction))
        assert prediction.model_id == live.id and prediction.topic.code == "drugs"
        first_version = live.version

    incoming = _write(tmp_path / "in.csv", [{"id": "1", "text": "more police patrols at night"},
                                            {"id": "2", "text": "fly tipping in the alley"}])
    out = tmp_path / "out.csv"
    classified = runner.invoke(args=["text", "classify", str(incoming), str(out)])
    assert classified.exit_code == 0, classified.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "text", "topic", "confidence", "secondary_topics",
                             "needs_review"]
    assert rows[0]["topic"] == "police_presence" and rows[1]["topic"] == "environment"
    assert 0 < float(rows[0]["confidence"]) <= 1 and rows[0]["needs_review"] in ("true", "false")

    labelled = _write(tmp_path / "eval.csv", [
        {"text": "dealing outside the station", "topic": "drugs"},
        {"text": "bobbies on the beat", "topic": "police_presence"},
    ])
    evaluated = runner.invoke(args=["text", "evaluate", str(labelled)])
    assert evaluated.exit_code == 0, evaluated.output
    assert "macro-F1" in evaluated.output and "police_presence" in evaluated.output

    # The same data again is not worse, so the new model goes live; rollback restores the first.
    second = runner.invoke(args=["text", "train", "--base", "seed", "--folds", "2"])
    assert second.exit_code == 0, second.output
    history = runner.invoke(args=["text", "models"])
    assert history.output.count("\n") == 2 and "live" in history.output
    back = runner.invoke(args=["text", "rollback", first_version])
    assert back.exit_code == 0, back.output
    with app.app_context():
        live = db.session.scalar(select(TextModel).where(TextModel.status == "live"))
        assert live.version == first_version
        assert db.session.scalar(select(TopicPrediction.model_id)) == live.id


def test_commands_explain_bad_input_and_store_nothing(app, runner, tmp_path):
    incoming = _write(tmp_path / "in.csv", [{"text": "anything"}])
    no_model = runner.invoke(args=["text", "classify", str(incoming), str(tmp_path / "o.csv")])
    assert no_model.exit_code != 0 and "no live text model" in no_model.output

    bad = _write(tmp_path / "bad.csv", [{"text": "x", "topic": "burglary"}])
    refused = runner.invoke(args=["text", "train", "--labels", str(bad), "--base", "seed"])
    assert refused.exit_code != 0 and "unknown topic 'burglary'" in refused.output

    wrong = _write(tmp_path / "wrong.csv", [{"comment": "x"}])
    missing = runner.invoke(args=["text", "evaluate", str(wrong)])
    assert missing.exit_code != 0 and "missing column" in missing.output

    unknown = runner.invoke(args=["text", "rollback", "nope"])
    assert unknown.exit_code != 0 and "no model version" in unknown.output
    with app.app_context():
        assert count(TopicLabel) == 0 and count(TextModel) == 0


def test_train_unless_live_trains_the_first_model_only(app, client, runner, survey_area):
    """What `make run` does on its first run: a model and topic shares, once."""
    from pulse.models.topic import TopicShare

    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": "dealers on the corner"})
    args = ["text", "train", "--base", "seed", "--folds", "2", "--unless-live"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "is live" in first.output
    with app.app_context():
        live = db.session.scalar(select(TextModel).where(TextModel.status == "live"))
        assert count(TopicPrediction) == 1 and count(TopicShare) > 0
    again = runner.invoke(args=args)
    assert again.exit_code == 0, again.output
    assert again.output.strip() == f"model {live.version} is live already; nothing trained"
    with app.app_context():
        assert count(TextModel) == 1


def test_an_altered_live_model_is_refused(app, runner, tmp_path):
    trained = runner.invoke(args=["text", "train", "--base", "seed", "--folds", "2"])
    assert trained.exit_code == 0, trained.output
    with app.app_context():
        from pulse.text import queries

        queries._LOADED.clear()
        live = db.session.scalar(select(TextModel).where(TextModel.status == "live"))
        metadata = json.loads(Path(live.artifact_path).read_text())
        artifact = Path(live.artifact_path).parent / metadata["artifact"]["file"]
    artifact.write_bytes(artifact.read_bytes()[:-10] + b"0123456789")
    incoming = _write(tmp_path / "in.csv", [{"text": "anything"}])
    refused = runner.invoke(args=["text", "classify", str(incoming), str(tmp_path / "o.csv")])
    assert refused.exit_code != 0 and "checksum" in refused.output


def test_review_queue_and_labels(app, client, survey_area):
    from pulse.text import operations, queries

    submit(client, survey_area.ward, {**GOOD_ANSWERS, "top_issue": "dealers on the corner"})
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
        operations.label_comment(comment_id, "antisocial_behaviour", "officer B")
        operations.label_comment(comment_id, "drugs", "officer C")
        db.session.commit()
        examples = queries.labelled_examples()
        # The newest label for a comment is the one that counts.
        assert examples.topics == ["drugs"] and examples.texts == ["dealers on the corner"]
        assert queries.review_queue() == []  # labelled comments leave the queue


def test_review_queue_puts_the_least_confident_prediction_first(app, survey_area):
    from pulse.text import operations, queries

    for words in ("dealers on the corner", "hmm not sure", "more police"):
        # A resident each: one browser answers a wave once.
        submit(app.test_client(), survey_area.ward, {**GOOD_ANSWERS, "top_issue": words})
    with app.app_context():
        ids = operations.ensure_topics()
        model = TextModel(version="v-test", artifact_path="unused.json", status="live")
        db.session.add(model)
        db.session.flush()
        comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        for comment, confidence in zip(comments, (0.9, 0.2, 0.6)):
            db.session.add(TopicPrediction(comment_id=comment.id, model_id=model.id,
                                           topic_id=ids["other"], confidence=confidence,
                                           secondary_topics=[], needs_review=confidence < 0.5))
        db.session.commit()
        queue = [comment.redacted_text for comment, _ in queries.review_queue()]
        assert queue == [c.redacted_text for c in (comments[1], comments[2], comments[0])]
