from tests.conftest import client_for


def test_consolidator_sees_both_seed_plans_listed(demo_plans, personas):
    response = client_for(personas.consolidator).get("/plans/")
    assert response.status_code == 200
    assert "01/CTr-UBND" in response.content.decode()
