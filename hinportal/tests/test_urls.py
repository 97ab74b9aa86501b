from django.urls import reverse, set_script_prefix

from hinportal.lib.urls import record_url


def test_a_kept_address_is_the_reversed_one_under_each_script_prefix():
    try:
        assert record_url("innovations:icb_detail", "lakeside") == reverse("innovations:icb_detail", args=["lakeside"])
        assert record_url("innovations:icb_detail", "lakeside") == "/ics/lakeside/"
        set_script_prefix("/portal/")
        assert record_url("innovations:icb_detail", "lakeside") == "/portal/ics/lakeside/"
        assert record_url("innovations:detail", "asthma-tool") == "/portal/innovations/asthma-tool/"
    finally:
        set_script_prefix("/")
    assert record_url("innovations:icb_detail", "lakeside") == "/ics/lakeside/"
