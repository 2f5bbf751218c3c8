"""Pick diff-plans weights and thresholds on two gold documents; report the held-out third.

    python scripts/calibrate_diff.py

Training: the Handan district plan (copies national wording) and the Changde bureau report
(paraphrases it). Held out: the Funing district report, never used to choose anything.
"""
import itertools

import numpy as np
from lawgov_nlp.reading.corpus import load_path
from lawgov_nlp.analysis.align import Aligner, pair_scores, not_applicable_reason
from lawgov_nlp.indexing.encoders import EmbeddingCache
from lawgov_nlp.evaluation.diff import load_gold
ref=load_path('corpus/gangyao-2021-2025-outline.txt')
al=Aligner(ref, cache=EmbeddingCache())
G={'handan':'diff_gold_handan_plan.json','changde':'diff_gold_changde_report.json','funing':'diff_gold_funing_report.json'}
data={}
for k,f in G.items():
    g=load_gold('tests/data/'+f); d=load_path(f"corpus/{g['target']}.txt"); prep=al.prepare(d); sig=al.signals(prep)
    gold=[x['status'] for x in g['items']]
    na=[bool(not_applicable_reason(u.heading, d.meta.to_dict())) for u in al.items]
    data[k]=(sig,gold,na)
def acc(k,w,ti,tp):
    sig,gold,na=data[k]; best=pair_scores(sig,w).max(axis=1)
    pred=np.where(best>=ti,'implemented',np.where(best>=tp,'partial','omitted'))
    pred=[('not_applicable' if n and p=='omitted' else p) for p,n in zip(pred,na)]
    return np.mean([p==g for p,g in zip(pred,gold)])
res=[]
g5=[0,.1,.2,.3,.4,.5]
for wd,ww,wc,wh in itertools.product(g5,g5,g5,[0,.1,.2]):
    if abs(wd+ww+wc+wh-1)>1e-6: continue
    w={'dense':wd,'words':ww,'chars':wc,'heading':wh}
    for ti in np.arange(0.2,0.6,0.02):
        for tp in np.arange(0.1,ti,0.02):
            tr=(acc('handan',w,ti,tp)+acc('changde',w,ti,tp))/2
            res.append((tr,w,round(ti,2),round(tp,2)))
res.sort(key=lambda r:-r[0])
for tr,w,ti,tp in res[:8]:
    print(round(tr,3), w, ti, tp, 'handan',round(acc('handan',w,ti,tp),3),'changde',round(acc('changde',w,ti,tp),3),'FUNING(held out)',round(acc('funing',w,ti,tp),3))
