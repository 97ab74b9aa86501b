"""The relevance set: queries in users' words against the real catalogue, with the demonstration
records `make run` loads beside it and the search's synonyms and embeddings as `make run` makes them."""

from django.core.management import call_command

from hinportal.lib.search.semantic import refresh_embeddings
from innovations.relevance import TOP, hit_rate, judge, relevance_set
from innovations.services import load_synonyms


def test_the_right_real_records_are_in_the_top_five_for_nine_queries_in_ten(catalogue_data, capsys):
    load_synonyms()
    call_command("seed_demo", innovations=300, seed=1, verbosity=0)
    refresh_embeddings()
    assert len(relevance_set()) >= 40
    full, words = judge(semantic=True), judge(semantic=False)
    missed = [f"{j.query!r}: expected {j.expected}, got {j.found}" for j in full if not j.hit]
    with capsys.disabled():
        print(
            f"\nRelevance set: hit@{TOP} {hit_rate(full):.0%} (words and meaning), "
            f"{hit_rate(words):.0%} (words only), {len(full)} queries; missed: {missed}"
        )
    assert hit_rate(full) >= 0.9, "\n".join(missed)
    # Meaning finds what words alone do not (the semantic part is switched on and working).
    assert hit_rate(full) > hit_rate(words)


def test_the_relevance_command_prints_the_table(catalogue_data, capsys):
    load_synonyms()
    call_command("relevance")
    out = capsys.readouterr().out
    assert "enlarged prostate" in out and "i:urolift" in out
    assert f"hit@{TOP}:" in out
