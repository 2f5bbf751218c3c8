"""Write notebooks/04_policy_intelligence.ipynb (cells only); execute it with nbclient to store outputs."""
import sys
from pathlib import Path

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# 政策情报 · Targets, directive strength, citations and report tracing\n\n"
       "本笔记本在语料上演示：从每个条款抽取量化目标、时限与成效（含中文数字、万/亿）；把同一指标在不同文件中的数值并排比较"
       "（持平 / 加码 / 放宽 / 未提 / 新增）；逐句判断措辞强度（必须/严禁 > 应当/要 > 积极/鼓励 > 可以）；找出每份文件引用的文件、"
       "依据关系与文号，画出引用网络并计算扩散时滞；最后把年度报告对照实施方案，看哪些计划任务报告说已完成、哪些没有提及。\n\n"
       "What a researcher on policy diffusion does by hand after *which items are covered*: put the numbers side by side "
       "(层层加码 of targets), compare the wording, follow the citations (with the lag between a national document and "
       "the local ones that cite it) and check annual reports against their plans. Extraction quality is measured on gold "
       "in `tests/data/` (see the README: `lawgov-nlp eval-commitments`, `lawgov-nlp eval-cite`)."),
    code('from pathlib import Path\n\n# Works whether Jupyter starts in the project root or in notebooks/.\n'
         'ROOT = Path.cwd() if (Path.cwd() / "corpus").is_dir() else Path.cwd().parent\nCORPUS = ROOT / "corpus"\n'
         'FIXTURES = ROOT / "tests" / "data" / "fixtures"\nCORPUS'),
    code('%matplotlib inline\nimport pandas as pd\nfrom IPython.display import display\n\nimport lawgov_nlp as lg\n\n'
         'pd.set_option("display.max_colwidth", 50)\npd.set_option("display.max_rows", 60)\n'
         'docs = lg.load_corpus(CORPUS)\nby_id = {d.doc_id: d for d in docs}\n[d.doc_id for d in docs]'),
    md("## 1. 承诺与指标 · Commitments\n\n`lg.extract_commitments(docs)` reads every clause: kind (target / deadline / result), value "
       "(Chinese numerals and 万/亿 folded), unit, direction, a normalised indicator key, the clause and the exact span. "
       "Lead and responsible units come from Tongliao's task table and Liujiang's inline （责任单位：…）."),
    code('cs = lg.extract_commitments(docs)\nframe = cs.to_frame()\n'
         'frame.groupby(["doc_id", "kind"]).size().unstack(fill_value=0)'),
    code('frame[frame.doc_id == "guangxi-liujiang-workpoints-2017"][["path_label", "kind", "display", "text", "subject_key", "responsible"]].head(12)'),
    md("### 指标 × 文件 · The same indicator in every document\n\nKeys come from `lawgov_nlp/data/indicators.toml` "
       "(written from the national indicators, not fitted to the gold); restated task-table rows are counted once."),
    code('matrix = cs.matrix()\nmatrix.to_frame().head(14)'),
    md("## 2. 对照比较 · Side by side with a reference plan\n\nThe Handan district plan has body text and numbers, so it can "
       "serve as the reference: each local document is aligned with it item by item (the diff-plans engine), and "
       "commitments are labelled kept / tightened / loosened / dropped / added. Indicators are also compared across whole "
       "documents, because alignment may put the same indicator under different items."),
    code('handan = by_id["hebei-handan-district-plan-2021-2025"]\n'
         'targets = [by_id[d] for d in ("guangxi-liujiang-workpoints-2017", "neimenggu-tongliao-plan-2020", "hebei-funing-report-2023")]\n'
         'cmp = lg.compare_plans(handan, targets, cache=lg.EmbeddingCache())\n'
         'cols, rows = cmp.indicator_rows()\npd.DataFrame(rows, columns=cols).set_index("indicator")'),
    code('f = cmp.to_frame()\nf[f.item.str.startswith("（三十）")][["doc_id", "label", "subject_key", "ref_value", "local_value", "local_text", "note"]]'),
    md("## 3. 措辞强度 · Directive strength\n\nEach directive word is a span with a level (4 mandatory, 3 obligatory, 2 "
       "encouraging, 1 permissive), its polarity (a 不得 is a prohibition, 不应 a negated obligation) and the action it governs. "
       "Plans lean on 应当/要; annual reports describe, so most of their directive words are 推进/积极."),
    code('strength = lg.strength_report(docs)\nlg.policy_plots.strength_profile(strength);'),
    code('sf = strength.to_frame()\nsf[(sf.doc_id == "hebei-handan-district-plan-2021-2025") & (sf.level == 4)][["path_label", "word", "polarity", "scope"]].head(8)'),
    code('pd.DataFrame(cmp.wording_rows()[1], columns=cmp.wording_rows()[0]).query("change != \'same\'")'),
    md("## 4. 引用网络 · Citations, the graph and diffusion lag\n\n`lg.extract_citations(docs)` finds every 《…》 title with its "
       "文号 (the scraped 〔20171 read as 〔2017〕1号), the relation (implements / basis / mentions) and the cited work's kind; "
       "citations resolve to corpus documents by 文号 or title (the Handan plan → the national outline), and national "
       "instruments are dated from the small catalogue `data/cited_works.toml`."),
    code('cites = lg.extract_citations(docs)\nedges = cites.to_frame()\n'
         'edges[["source", "target_title", "doc_number", "relation", "kind", "resolved", "lag_days", "lag_years"]].head(12)'),
    code('lg.policy_plots.citation_graph(cites);'),
    code('display(pd.DataFrame(cites.lags()))\nlg.policy_plots.lag_by_level(cites);'),
    md("## 5. 报告对照计划 · Tracing a report to a plan\n\nThe corpus has no plan together with its own later report, so "
       "two documents of one province stand in: the Handan district plan (2021–2025) against the Funing district's 2023 "
       "report — different districts of Hebei, so *silent* means “this report does not speak of it”, not “the plan was "
       "not carried out”. The careful fixture pair in `tests/data/fixtures/` shows the full picture, including targets "
       "checked against reported results."),
    code('tr = lg.trace_reports(handan, [by_id["hebei-funing-report-2023"]], cache=lg.EmbeddingCache())\n'
         'tr.reports[0].counts()'),
    code('tf = tr.to_frame()\ntf[["task", "trace_zh", "score", "evidence", "targets"]].head(12)'),
    code('plan = lg.load_document(FIXTURES / "trace_plan.txt")\nreport = lg.load_document(FIXTURES / "trace_report.txt")\n'
         'fixture = lg.trace_reports(plan, [report], cache=lg.EmbeddingCache())\nfixture'),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                                                 "language_info": {"name": "python"}})
out = Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks/04_policy_intelligence.ipynb")
nbf.write(nb, out)
if "--execute" in sys.argv:
    import nbclient

    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(out.parent)}}).execute()
    nbf.write(nb, out)
print(out)
