#!/usr/bin/env python3
"""Fixed start-up cost of the CLI: `--version` and `ingest --json` on an empty input folder.

Usage: python3 bench/startup.py RUNS BUILD_DIR [BUILD_DIR ...]
Each BUILD_DIR holds a build (BUILD_DIR/dist/cli/riskwatch.mjs, BUILD_DIR/package.json,
BUILD_DIR/node_modules): copies of this project at the commits to compare. Runs are interleaved
(every build, then bare `node -e 0`, each round) because the machine is shared; CPU is user+sys
from wait4 (microseconds, unlike /usr/bin/time's 10 ms ticks). Prints medians and minimums and
the 1-minute load average before and after.
"""
import json, os, statistics as st, sys, tempfile, time

runs, builds = int(sys.argv[1]), sys.argv[2:]
ws = tempfile.mkdtemp(prefix='riskwatch-startup-')
for d in ('sourcedata', 'testdata'):
    os.mkdir(os.path.join(ws, d))
with open(os.path.join(ws, 'config.json'), 'w') as f:
    json.dump({'input_folder_path': 'sourcedata', 'output_folder_path': 'ingesteddata', 'test_data_path': 'testdata',
               'output_model_path': 'models', 'prod_deployment_path': 'production_deployment'}, f)

cmds = {}
for b in builds:
    cli = os.path.join(os.path.abspath(b), 'dist', 'cli', 'riskwatch.mjs')
    cmds[(b, '--version')] = ['node', cli, '--version']
    cmds[(b, 'ingest --json')] = ['node', cli, 'ingest', '--json']
cmds[('bare node', '-e 0')] = ['node', '-e', '0']


def run(argv):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.chdir(ws)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f'{" ".join(argv)} failed ({status})')
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime


load = lambda: open('/proc/loadavg').read().split()[0]
print('load before', load())
res = {k: [] for k in cmds}
for _ in range(runs):
    for k, argv in cmds.items():
        res[k].append(run(argv))
print('load after ', load())
for (b, what), v in res.items():
    wall, cpu = [x[0] * 1000 for x in v], [x[1] * 1000 for x in v]
    print(f'{b:28s} {what:14s} n={len(v)}  wall {st.median(wall):6.1f} ms (min {min(wall):6.1f})  user+sys {st.median(cpu):6.1f} ms (min {min(cpu):6.1f})')
