"""The glossary (用語集): every term of the plan in plain words, in each language, with the
achievement rate's formula as the deployment computes it."""

import pytest

pytestmark = pytest.mark.django_db

TERMS = [
    "rate",
    "achieved",
    "partially-achieved",
    "not-achieved",
    "undeterminable",
    "not-evaluated",
    "provisional",
    "relisted",
    "area",
    "item",
    "kpi",
    "locked",
    "published",
    "wellbeing",
    "national-plan",
    "fiscal-year",
]


@pytest.mark.parametrize("prefix", ["", "/ja-easy", "/en"])
def test_every_term_has_its_section_and_a_link_in_the_index(client, prefix):
    response = client.get(f"{prefix}/glossary/")
    assert response.status_code == 200
    html = response.content.decode()
    for term in TERMS:
        assert f'<section id="{term}" aria-labelledby="term-{term}"' in html
        assert f'<a href="#{term}">' in html


def test_the_rate_is_the_formula_of_the_plan_with_a_worked_example(client):
    html = client.get("/glossary/").content.decode()
    assert "達成度 ＝（達成 ＋ 一部達成）÷ 取組数" in html
    assert "例：取組が 10 個で、達成が 5 個、一部達成が 2 個なら、達成度は 70.0% です。" in html
    assert "判定不可の取組は分母（取組数）に含めます。" in html
    assert "「区分別達成度の平均」" in html


def test_easy_japanese_says_what_the_rate_is_in_plain_words(client):
    html = client.get("/ja-easy/glossary/").content.decode()
    assert "<ruby>達成度<rt>たっせいど</rt></ruby>（どのくらい できたか）" in html
    assert "どのくらい できたか ＝（できた 数 ＋ 一部 できた 数）÷ とりくみの 数" in html


def test_english_names_each_japanese_term_beside_its_translation(client):
    html = client.get("/en/glossary/").content.decode()
    assert 'Achievement rate (<span lang="ja">達成度</span>)' in html
    assert "Achievement rate = (achieved + partly achieved) ÷ number of action items" in html
    assert "the achievement rate is 70.0%." in html


def test_the_formula_follows_the_deployments_rule(client, settings):
    settings.ACHIEVEMENT_RULE = {
        "UNDETERMINABLE_IN_DENOMINATOR": False,
        "PARTIAL_WEIGHT": "0.5",
        "COUNT_LISTINGS": False,
    }
    html = client.get("/glossary/").content.decode()
    assert "達成度 ＝（達成 ＋ 一部達成 × 0.5）÷（取組数 － 判定不可）" in html
    assert "達成度は 60.0% です。" in html  # (5 + 2 × 0.5) ÷ 10
    assert "判定不可の取組は分母から除きます。" in html
    assert "合計の取組数は再掲分を除き、取組ごとに1回だけ数えます。" in html
    assert "一部達成の取組を 0.5 個として数えます。" in html


def test_the_glossary_is_served_again_from_the_cache(client, django_assert_num_queries):
    first = client.get("/en/glossary/")
    with django_assert_num_queries(0):
        again = client.get("/en/glossary/")
    assert again.content == first.content


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/plans/nakai-dx-2.0/", 'href="/glossary/"'),
        ("/en/opendata/", 'href="/en/glossary/#rate"'),
        ("/ja-easy/plans/nakai-dx-1.0/report/2025/", 'href="/ja-easy/glossary/"'),
        ("/en/plans/no-such-plan/", 'href="/en/glossary/"'),
    ],
)
def test_the_help_texts_link_to_the_glossary_in_the_pages_language(client, town_data, url, link):
    assert link in client.get(url).content.decode()
