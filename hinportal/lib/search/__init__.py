"""Search: reading a query (parse, terms), synonyms, the vocabulary, meaning (encoder, semantic),
and the one ranking of every searchable record (ranking). Import from the submodules: this package
does not load the model, or numpy, until a search needs them."""
