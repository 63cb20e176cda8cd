import pytest

from tools.countries import aggregate_reason, name_zh, resolve
from tools.errors import InputError


@pytest.mark.parametrize(
    ("code", "name"),
    [(490, "台灣"), (158, "台灣"), (344, "香港"), (699, "印度"), (899, "其他未列明地區"), (0, "全球"),
     (842, "美國"), (156, "中國"), (410, "南韓"), (392, "日本"), (276, "德國")],
)
def test_comtrade_names(code, name):
    assert name_zh(code) == name


@pytest.mark.parametrize(
    ("code", "name"),
    [("5830", "台灣"), ("5700", "中國"), ("5880", "日本"), ("5800", "南韓"), ("4280", "德國"), ("1220", "加拿大"),
     ("2010", "墨西哥")],
)
def test_census_names(code, name):
    assert name_zh(code, scheme="census") == name


@pytest.mark.parametrize("query", ["台灣", "臺灣", "台湾", "Taiwan", "TW", "490", "158", "5830", "Other Asia, nes"])
def test_every_spelling_of_taiwan_resolves_to_the_data_code(query):
    c = resolve(query)
    assert (c.name_zh, c.comtrade, c.census, c.iso2) == ("台灣", 490, "5830", "TW")


def test_other_resolutions():
    assert resolve("韩国").comtrade == 410
    assert resolve("US").comtrade == 842
    assert resolve("840").comtrade == 842
    assert resolve("Hong Kong").census == "5820"
    assert resolve("日本").census == "5880"


@pytest.mark.parametrize("bad", ["Narnia", "9999", "", "  "])
def test_unknown_country_is_input_error(bad):
    with pytest.raises(InputError):
        resolve(bad)


def test_unknown_code_uses_fallback_or_raises():
    assert name_zh(12345, fallback="Somewhere") == "Somewhere"
    with pytest.raises(InputError):
        name_zh(12345)


def test_aggregate_rule_keeps_taiwan():
    assert aggregate_reason(490, "Other Asia, nes") is None
    assert aggregate_reason(0, "World") == "world"
    assert aggregate_reason(899, "Areas, nes") is not None
    assert aggregate_reason(568, "Other Europe, nes") == "nes"
    assert aggregate_reason(838, "Free Zones") is not None
    assert aggregate_reason(837, "Bunkers") is not None
    assert aggregate_reason(392, "Japan") is None
