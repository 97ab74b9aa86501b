from django.core.management.base import BaseCommand

from innovations.relevance import TOP, hit_rate, judge


class Command(BaseCommand):
    help = (
        "Run the relevance set (innovations/data/relevance.csv) against this database and print, for "
        f"each query, whether its expected records are in the top {TOP}, with and without meaning."
    )

    def handle(self, *args, **options) -> None:
        full, lexical = judge(semantic=True), judge(semantic=False)
        width = max(len(j.query) for j in full)
        self.stdout.write(f"{'query':<{width}}  {'kind':<12}  full  words  top {TOP} (full ranking)")
        for one, words in zip(full, lexical, strict=True):
            mark = lambda hit: "yes " if hit else "NO  "  # noqa: E731
            self.stdout.write(
                f"{one.query:<{width}}  {one.kind:<12}  {mark(one.hit)}  {mark(words.hit)}   {' '.join(one.found)}"
            )
            if not one.hit:
                self.stdout.write(f"{'':<{width}}  {'':<12}  expected: {' '.join(one.expected)}")
        self.stdout.write(
            f"\nhit@{TOP}: {hit_rate(full):.0%} with meaning and words; {hit_rate(lexical):.0%} with words only "
            f"({len(full)} queries)."
        )
