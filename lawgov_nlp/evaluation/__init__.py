"""Quality measured against judgments written down in the repository: ``search`` (nDCG/Recall per
mode, baselines) and ``diff`` (status accuracy, omitted-class F1, evidence hits against gold labels).
"""
