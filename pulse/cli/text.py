"""``flask --app pulse text ...``: train, classify, evaluate, and look after the text models."""
from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .database_errors import refused

OUT_COLUMNS = ("topic", "confidence", "secondary_topics", "needs_review")


@click.group(help="Free-text comments: topic models, labels and raw-text retention.")
def text() -> None:
    pass


def _print_metrics(result: dict) -> None:
    click.echo(f"{'topic':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>7}")
    for topic, figures in result["per_topic"].items():
        click.echo(f"{topic:<24}{figures['precision']:>10.2f}{figures['recall']:>8.2f}"
                   f"{figures['f1']:>7.2f}{figures['support']:>7}")


def _live_pipeline():
    from ..text import queries

    live = queries.live_model()
    if live is None:
        raise click.ClickException("there is no live text model yet: run "
                                   "`flask --app pulse text train` first")
    from analysis.text.registry import ArtifactError

    try:
        return live, queries.load_model(live).pipeline
    except ArtifactError as err:
        raise click.ClickException(f"the live model cannot be loaded: {err}") from None


@text.command("train")
@click.option("--labels", "labels_file", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV of extra labelled examples (columns text,topic); they are kept.")
@click.option("--labelled-by", default="operator", show_default=True,
              help="Who gave the labels in --labels.")
@click.option("--base", type=click.Choice(["all", "seed", "none"]), default="all",
              show_default=True,
              help="Shipped data to train on besides stored labels: public reports and seed "
                   "set, the seed set only, or none.")
@click.option("--folds", type=click.IntRange(2, 10), default=5, show_default=True)
@click.option("--unless-live", is_flag=True,
              help="Do nothing when a model is already live (a new site's, or the demo's, "
                   "first model).")
@with_appcontext
def train(labels_file: Path | None, labelled_by: str, base: str, folds: int,
          unless_live: bool) -> None:
    """Add labelled examples, train, print cross-validated metrics, promote if not worse."""
    from analysis.text.dataset import LabelError, LabelledSet, read_labelled, seed_set, training_set
    from analysis.text.train import train as fit

    from ..text import operations, queries

    if unless_live and (live := queries.live_model()) is not None:
        click.echo(f"model {live.version} is live already; nothing trained")
        return

    extra = LabelledSet()
    if labels_file is not None:
        try:
            extra = read_labelled(labels_file)
        except LabelError as err:
            raise click.ClickException(str(err)) from None
    shipped = {"all": training_set, "seed": seed_set, "none": LabelledSet}[base]()
    try:
        operations.ensure_topics()
        if len(extra):
            operations.add_file_labels(extra, labelled_by)
        data = shipped + queries.labelled_examples()
        if len(set(data.topics)) < 2:
            raise click.ClickException("nothing to train on: give labels covering at least "
                                       "two topics, or train with --base seed or all")
        click.echo(f"training on {len(data):,} examples ({len(extra)} new labels), "
                   f"{folds}-fold cross-validation ...")
        trained = fit(data, folds=folds)
        row, promoted = operations.register_model(
            trained, queries.model_directory(), current_app.config.get("SECRET_KEY"))
        refreshed = operations.refresh_predictions() if promoted else 0
        if promoted:
            from ..text.shares import store_topic_shares

            store_topic_shares()  # new predictions change the topic shares
        db.session.commit()
    except SQLAlchemyError as err:
        db.session.rollback()
        raise refused(err, f"the database refused the change ({type(err).__name__}); "
                           "nothing was stored") from None
    cv = trained.metadata["cv"]
    _print_metrics(cv)
    click.echo(f"macro-F1 {cv['macro_f1']:.3f} ± {cv['macro_f1_sd']:.3f} "
               f"({folds}-fold, stratified)")
    if promoted:
        click.echo(f"model {row.version} is live; {refreshed} comments re-classified")
    else:
        click.echo(f"model {row.version} kept out: its macro-F1 is more than 0.01 below the "
                   "live model's")


@text.command("classify")
@click.argument("in_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out_file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def classify_file(in_file: Path, out_file: Path) -> None:
    """Read IN (a `text` column), write OUT with topic,confidence,secondary_topics,needs_review."""
    from analysis.text.predict import classify

    rows, fields = _read_rows(in_file, required="text")
    _, pipeline = _live_pipeline()
    predictions = classify(pipeline, [row["text"] or "" for row in rows])
    with out_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[f for f in fields if f not in OUT_COLUMNS]
                                + list(OUT_COLUMNS))
        writer.writeheader()
        for row, p in zip(rows, predictions):
            writer.writerow({**row, "topic": p.topic, "confidence": f"{p.confidence:.4f}",
                             "secondary_topics": ";".join(p.secondary_topics),
                             "needs_review": "true" if p.needs_review else "false"})
    click.echo(f"classified {len(rows)} comments into {out_file}")


@text.command("evaluate")
@click.argument("labelled_file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def evaluate(labelled_file: Path) -> None:
    """Score the live model on a labelled file (text,topic): per-topic P/R/F1 and macro-F1."""
    import numpy as np

    from analysis.text.dataset import LabelError, read_labelled
    from analysis.text.train import metrics

    try:
        data = read_labelled(labelled_file)
    except LabelError as err:
        raise click.ClickException(str(err)) from None
    if not len(data):
        raise click.ClickException(f"{labelled_file.name}: no labelled rows")
    live, pipeline = _live_pipeline()
    predicted = [str(t) for t in pipeline.predict(np.asarray(data.texts, dtype=object))]
    result = metrics(data.topics, predicted, sorted(set(data.topics)))
    _print_metrics(result)
    click.echo(f"macro-F1 {result['pooled_macro_f1']:.3f} on {len(data)} comments "
               f"(model {live.version})")


@text.command("purge")
@with_appcontext
def purge() -> None:
    """Delete raw comment text past its retention period now (the nightly job does this too)."""
    from ..text.operations import purge_raw_text

    count = purge_raw_text()
    db.session.commit()
    click.echo(f"raw text deleted from {count} comments")


@text.command("models")
@with_appcontext
def models() -> None:
    """List trained text models, newest first."""
    from ..text.queries import model_history

    for row in model_history():
        f1 = "-" if row.macro_f1 is None else f"{row.macro_f1:.3f}"
        click.echo(f"{row.version}  {row.status:<9} macro-F1 {f1}  {row.created_at:%Y-%m-%d %H:%M}")


@text.command("rollback")
@click.argument("version")
@with_appcontext
def rollback(version: str) -> None:
    """Make an earlier model VERSION live again and re-classify comments with it."""
    from ..text import operations

    try:
        operations.rollback_to(version)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    refreshed = operations.refresh_predictions()
    from ..text.shares import store_topic_shares

    store_topic_shares()
    db.session.commit()
    click.echo(f"model {version} is live; {refreshed} comments re-classified")


@text.command("shares")
@with_appcontext
def shares() -> None:
    """Recount the stored topic shares now (the hourly topic-shares job does this too)."""
    from ..text.shares import store_topic_shares

    rows = store_topic_shares()
    db.session.commit()
    click.echo(f"{rows} topic shares stored (every area, month, quarter and rolling year)")


def _read_rows(path: Path, required: str) -> tuple[list[dict], list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    except csv.Error as err:
        raise click.ClickException(f"{path.name}: not a readable CSV ({err})") from None
    if required not in fields:
        raise click.ClickException(f"{path.name}: needs a `{required}` column "
                                   f"(found: {', '.join(fields) or 'no header'})")
    return rows, fields
