"""`flask scheduler` names every job it runs; `flask jobs history --job` takes any of them."""
from pulse.jobs.tasks import JOBS


def test_the_start_up_line_names_every_scheduled_job_and_when(runner):
    result = runner.invoke(args=["scheduler", "--aggregate-seconds", "600", "--max-runtime", "1"])
    assert result.exit_code == 0, result.output
    started = next(line for line in result.output.splitlines()
                   if line.startswith("scheduler started: "))
    announced = [part.split(" ", 1)[0] for part in
                 started.removeprefix("scheduler started: ").split(", ")]
    assert sorted(announced) == sorted(JOBS)
    assert "aggregate every 600s" in started and "retention daily 03:30 UTC" in started


def test_history_filters_by_any_job_and_refuses_an_unknown_one(app, runner):
    from pulse.jobs.runner import run_job

    empty = runner.invoke(args=["jobs", "history", "--job", "exports"])
    assert empty.exit_code == 0 and "no exports runs recorded yet" in empty.output

    assert run_job(app, "exports", "2026-11-27T10:05:00Z", lambda: 3) == "succeeded"
    assert run_job(app, "aggregate", "2026-11-27T10:00:00Z", lambda: 0) == "succeeded"
    listed = runner.invoke(args=["jobs", "history", "--job", "exports"])
    assert listed.exit_code == 0, listed.output
    rows = listed.output.splitlines()
    assert len(rows) == 1 and rows[0].split()[:3] == ["exports", "2026-11-27T10:05:00Z", "succeeded"]
    assert len(runner.invoke(args=["jobs", "history"]).output.splitlines()) == 2

    unknown = runner.invoke(args=["jobs", "history", "--job", "nightly"])
    assert unknown.exit_code == 2
    assert "'nightly' is not a job; one of: " in unknown.output
    assert all(name in unknown.output for name in JOBS)
