def test_the_html_checker_catches_an_error_and_passes_valid_html(html_validator):
    valid = '<!DOCTYPE html><html lang="en"><head><title>Fine</title></head><body><p>Fine.</p></body></html>'
    invalid = (
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><select required></select></body></html>'
    )
    errors = html_validator({"/fine/": valid, "/bad/": invalid})
    assert len(errors) == 1
    assert errors[0].startswith("/bad/: line 1:") and "option" in errors[0]
