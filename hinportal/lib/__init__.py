"""The domain-free layer: rules and machinery that every app uses and that import no app.

Access rules, the publishing workflow, optimistic locking, safe text and spreadsheet cells, the
list-page machine, search-query parsing, SVG drawing, data files, spreadsheet imports and the task
queue, sign-in limits, the outage page. Checked by import-linter (`make lint`): nothing here may
import networks, innovations, reviews or the site-wide pages.
"""
