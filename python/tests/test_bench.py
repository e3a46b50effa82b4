"""activ.bench runs end to end on a small size (numbers are not checked: speed targets
belong to the benchmark, not to the tests) and writes complete JSON."""
import json

from activ import bench


def test_bench_runs(tmp_path, capsys):
    out = tmp_path / "b.json"
    assert bench.main(["--sizes", "1024", "--rounds", "1", "--batch-ms", "0.05", "--json", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert {(r["function"], r["direction"][:8]) for r in rows} == {
        (f, d) for f in bench.FUNCS for d in ("forward", "backward")}
    assert all(r["gbs"]["C"] > 0 and r["gbs"]["py out="] > 0 for r in rows)
    text = capsys.readouterr().out
    assert "| relu | 1K | for |" in text and "# per-call cost at n = 1" in text
