import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/networks/" + "a" * 5000 + "/",
        "/ics/" + "x" * 300 + "/",
        "/networks/%00/",
        "/ics/%00abc/",
        "/networks/caf%C3%A9/",
        "/ics/%E2%80%AE%E2%80%AD/",
        "/networks/..%2F..%2Fetc%2Fpasswd/",
        "/ics/%FF%FE/",
        "/networks/a b/",
        "/ics/<script>/",
        "/open-data/../settings.csv",
        "/nowhere/at/all/",
    ],
)
def test_odd_paths_give_the_404_page_never_a_500(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_refuse_writes(client, world):
    response = client.post("/networks/")
    assert response.status_code == 405
