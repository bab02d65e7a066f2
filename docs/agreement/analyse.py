#!/usr/bin/env python3
"""Offline checks of quick-mode runs, from the raw JMH results a run folder keeps.

  analyse.py pair RUN_1 RUN_2   how far two runs' ratios to jdbc agree, by four estimators, and
                                whether the difference is what the runs' own intervals predict
  analyse.py noise RUN          how noisy a run's measured iterations were (the median standard
                                deviation of the log of an iteration's time), and whether they
                                still drifted (the first five rounds against the last five)
  analyse.py warmup RUN         the warm-up curve against the measured mean (from jmh.log), and
                                per style how much slower the measured turns ran than the serial
                                warm-up's last iterations

Only operations whose jdbc time is at least 20 us count in `pair`, as in the report's
"Run-to-run agreement". Standard library only (python3)."""
import json, math, re, statistics as st, sys

def results(run, modes=('avgt', 'ss')):
    """(operation, store) -> the measured iterations, us/op (batch-mode results included by default)."""
    out = {}
    for r in json.load(open(run + '/results.json')):
        store = r['params'].get('store')
        if store and r['mode'] in modes:
            out[(r['benchmark'].split('.')[-1], store)] = [x for fork in r['primaryMetric']['rawData'] for x in fork]
    return out

def ratios(res, how):
    out = {}
    for (op, store), raw in res.items():
        jdbc = res.get((op, 'jdbc'))
        if store == 'jdbc' or not jdbc or st.mean(jdbc) < 20:
            continue
        if how == 'ratio of means':
            out[(op, store)] = st.mean(raw) / st.mean(jdbc)
        elif how == 'ratio of medians':
            out[(op, store)] = st.median(raw) / st.median(jdbc)
        elif len(raw) == len(jdbc):  # the same round's jdbc iteration: drift common to a round cancels
            per_round = [a / b for a, b in zip(raw, jdbc)]
            out[(op, store)] = (math.exp(st.mean(math.log(x) for x in per_round)) if how == 'paired, geometric mean'
                                else st.median(per_round))
    return out

def pair(run1, run2):
    a, b = results(run1), results(run2)
    for how in ('ratio of means', 'ratio of medians', 'paired, geometric mean', 'paired, median'):
        ra, rb = ratios(a, how), ratios(b, how)
        diffs = [abs(rb[k] / ra[k] - 1) for k in sorted(set(ra) & set(rb))]
        print(f'{how:24s} within 10 %: {sum(d <= 0.10 for d in diffs):2d} of {len(diffs)}, '
              f'median difference {100 * st.median(diffs):.0f} %, worst {100 * max(diffs):.0f} %')
    # In logs: the difference of a ratio between the runs, against the standard error each run's
    # own iterations give it (z). rms z near 1: the runs differ by what their intervals predict.
    def log_ratio(res):
        out = {}
        for (op, store), raw in res.items():
            jdbc = res.get((op, 'jdbc'))
            if store == 'jdbc' or not jdbc or st.mean(jdbc) < 20:
                continue
            x, y = [math.log(v) for v in raw], [math.log(v) for v in jdbc]
            out[(op, store)] = (st.mean(x) - st.mean(y), st.variance(x) / len(x) + st.variance(y) / len(y))
        return out
    la, lb = log_ratio(a), log_ratio(b)
    keys = sorted(set(la) & set(lb))
    d2 = st.mean((lb[k][0] - la[k][0]) ** 2 for k in keys)
    s2 = st.mean(la[k][1] + lb[k][1] for k in keys)
    z = math.sqrt(st.mean((lb[k][0] - la[k][0]) ** 2 / (la[k][1] + lb[k][1]) for k in keys))
    print(f'rms z {z:.2f}; rms difference of log ratios {math.sqrt(d2):.3f}, of which the iterations '
          f'predict {math.sqrt(s2):.3f}; left over per run {math.sqrt(max(0.0, (d2 - s2) / 2)):.3f}')

def noise(run):
    """Median over every (operation, style) of the sd of log(iteration time), and of log(mean of the
    last five measured rounds / mean of the first five): about 0 when the warm-up was long enough."""
    sds, trends = [], []
    for raw in results(run, ('avgt',)).values():
        logs = [math.log(x) for x in raw]
        sds.append(st.stdev(logs))
        if len(raw) >= 10:
            trends.append(math.log(st.mean(raw[-5:]) / st.mean(raw[:5])))
    print(f'iteration noise: median sd of log(iteration) {st.median(sds):.3f} (n = {len(sds)})')
    if trends:
        print(f'trend: median log(last five rounds / first five) {st.median(trends):+.3f} (n = {len(trends)})')

def warmup(run):
    res = {k: st.mean(v) for k, v in results(run, ('avgt',)).items()}  # timed iterations, not batches
    blocks, cur = [], None
    for line in open(run + '/jmh.log', encoding='utf-8', errors='replace'):
        m = re.match(r'# fourways: benchmark \d+ of \d+ \((\S+) on ([a-z, ]+), measured', line)
        if m:
            cur = {'op': m.group(1).split('.')[-1], 'order': [s.strip() for s in m.group(2).split(',')], 'w': []}
            blocks.append(cur)
            continue
        m = re.match(r'# Warmup Iteration\s+(\d+): ([\d.]+) us/op', line)
        if m and cur is not None:
            if m.group(1) == '1':
                cur['w'].append([])
            cur['w'][-1].append(float(m.group(2)))
    # The styles warm up one after the other in the benchmark's turn order (checked: each block's
    # last iteration is the lastWarmup that warmups.jsonl records for that style).
    last = {}
    for line in open(run + '/warmups.jsonl'):
        j = json.loads(line)
        last[(j['operation'], j['store'])] = j['lastWarmup']
    curve, penalty = {}, {}
    for blk in blocks:
        if len(blk['w']) != len(blk['order']):
            continue
        for store, ws in zip(blk['order'], blk['w']):
            key = (blk['op'], store)
            if key not in res or abs(ws[-1] - last.get(key, -1)) > 1e-3 * ws[-1]:
                continue
            for i, w in enumerate(ws):
                curve.setdefault(i + 1, []).append(math.log(w / res[key]))
            if len(ws) >= 12 and blk['op'] != 'findById':  # findById: each JVM's first benchmark
                penalty.setdefault(store, []).append(math.log(res[key] / st.mean(ws[8:12])))
    print('warm-up iteration: median of log(iteration / measured mean) over every style and operation')
    for i, v in sorted(curve.items()):
        print(f'  {i:2d}: {st.median(v):+.3f}  (n = {len(v)})')
    print('measured turns against the serial warm-up, iterations 9-12: median of log(measured / warm-up), per style')
    for store, v in sorted(penalty.items()):
        q = sorted(v)
        print(f'  {store:10s} {st.median(v):+.3f}  (quartiles {q[len(q) // 4]:+.3f} .. {q[3 * len(q) // 4]:+.3f}, n = {len(v)})')

if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'pair':
        pair(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == 'noise':
        noise(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == 'warmup':
        warmup(sys.argv[2])
    else:
        sys.exit(__doc__)
