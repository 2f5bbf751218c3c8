"""Cleaning decides which original lines are content; it never rewrites characters."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lawgov_nlp.reading.clean import clean_lines, is_chrome, split_lines
from lawgov_nlp.reading.normalize import normalize, strip_punct


def test_portal_chrome_lines():
    for junk in ("广西柳州柳江区人民政府门户网站!\u2002今日是:", "模式切换", "分享到:", "用户登录", "还没有账号?",
                 "立即注册", "展开", "来源:招商网络", "索 引 号 11150500MB1901732U/2024-02759 主题分类 \\",
                 "\xa0政策解读链接:http://221.199.189.183/x.shtml", "上级政策文件"):
        assert is_chrome(junk.strip("\xa0")), junk
    for content in ("一、健全政府机构职能体系", "各镇人民政府,区直各有关单位:", "常德市行政审批服务局", "2022年1月12日"):
        assert not is_chrome(content), content


def test_label_value_pairs_are_dropped_but_remembered():
    text = "发布时间:\n\n2020-04-26 21:04\n\n信息来源:\n\n通辽市生态环境局\n\n分享到:\n\n各旗县市区人民政府:\n正文。"
    r = clean_lines(text)
    assert [ln.text for ln in r.lines] == ["各旗县市区人民政府:", "正文。"]
    assert r.chrome["published"] == "2020-04-26 21:04"
    assert r.chrome["source_site"] == "通辽市生态环境局"


def test_repeated_block_dropped_once_short_repeats_kept():
    block = ["（一）严格控制新设行政许可，各级政府及部门规范性文件禁止设定行政许可。",
             "（二）建立规范性文件三统一制度，实行统一登记、统一编号、统一印发。",
             "（三）严格执行规范性文件制定程序，认真落实调研起草和征求意见。"]
    text = "\n".join(["标题"] + block + ["上级政策文件", "标题"] + block + ["各相关部门、旗县市区", "司法局", "各相关部门、旗县市区"])
    r = clean_lines(text)
    kept = [ln.text for ln in r.lines]
    assert kept.count(block[0]) == 1
    assert kept.count("各相关部门、旗县市区") == 2  # table cells repeat legitimately
    assert r.duplicate_blocks == [(6, 8, 1)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("一二三、（）()。，法治政府 \u3000\xa0\u2002ab1."), max_size=30), max_size=30))
def test_kept_lines_are_exact_slices_of_the_original(lines):
    text = "\n".join(lines)
    r = clean_lines(text)
    for ln in r.lines:
        assert text[ln.start:ln.end] == ln.text
        assert ln.text == ln.text.strip(" \u3000\xa0\u2002")
    assert len(r.lines) + len(r.dropped) == sum(1 for _ in split_lines(text))


def test_normalized_forms_are_only_for_matching():
    assert normalize("（一）深入推进“放管服”改革，＋　监管") == '(一)深入推进"放管服"改革,+监管'
    assert strip_punct("双随机、一公开") == strip_punct("双随机,一公开") == "双随机一公开"
    assert normalize("\u200b政府工作报\u200b告") == "政府工作报告"


def test_numbered_lines_and_sentences_are_never_chrome():
    assert not is_chrome("（十二）加强政府门户网站建设")
    assert not is_chrome("进一步加强政府门户网站和政务新媒体管理。")
