from lawgov_nlp.reading.metadata import infer_level, parse_date, parse_doc_number


def test_dates_including_scraped_digit_runs():
    assert parse_date("2022年1月12日") == "2022-01-12"
    assert parse_date("2020-04-26 21:04") == "2020-04-26"
    assert parse_date("2017724") == "2017-07-24"  # month 72 does not exist: only one reading
    assert parse_date("2020313") == "2020-03-13"
    assert parse_date("2020111") == ""  # 2020-01-11 or 2020-11-01: not certain, left empty
    assert parse_date("2017724", not_after="2017-08-01") == "2017-07-24"
    assert parse_date("2017年2月30日") == ""


def test_doc_numbers():
    assert parse_doc_number("冀传〔2022〕2号") == "冀传〔2022〕2号"
    assert parse_doc_number("江依法行政办发〔20173") == "江依法行政办发〔2017〕3号"
    assert parse_doc_number("邯市传〔2022〕35号") == "邯市传〔2022〕35号"
    assert parse_doc_number("根据冀传〔2022〕2号文件精神") == ""


def test_levels():
    assert infer_level("国务院办公厅") == "national"
    assert infer_level("秦皇岛市抚宁区人民政府") == "county"
    assert infer_level("通辽市人民政府办公室") == "city"
    assert infer_level("河北省人民政府") == "province"
