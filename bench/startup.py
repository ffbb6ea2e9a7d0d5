#!/usr/bin/env python3
"""Fixed start-up cost of the CLI: `--version`, `--help`, `ingest --json` on an empty input folder,
and, in a small trained workspace, `runs --json` and `predict --json` on a small file.

Usage: python3 bench/startup.py RUNS BUILD_DIR [BUILD_DIR ...]
Each BUILD_DIR holds a build (BUILD_DIR/dist/cli/riskwatch.mjs, BUILD_DIR/package.json,
BUILD_DIR/node_modules): copies of this project at the commits to compare. Runs are interleaved
(every build, then bare `node -e 0`, each round) because the machine is shared; CPU is user+sys
from wait4 (microseconds, unlike /usr/bin/time's 10 ms ticks). Prints medians and minimums and
the 1-minute load average before and after. The trained workspace (500 clients, 3 months, its
model in production; the predicted file is its test file) is made once with the first build.
"""
import json, os, shutil, statistics as st, subprocess, sys, tempfile, time

runs, builds = int(sys.argv[1]), sys.argv[2:]
clis = {b: os.path.join(os.path.abspath(b), 'dist', 'cli', 'riskwatch.mjs') for b in builds}
tmp = tempfile.mkdtemp(prefix='riskwatch-startup-')
empty = os.path.join(tmp, 'empty')
for d in ('sourcedata', 'testdata'):
    os.makedirs(os.path.join(empty, d))
with open(os.path.join(empty, 'config.json'), 'w') as f:
    json.dump({'input_folder_path': 'sourcedata', 'output_folder_path': 'ingesteddata', 'test_data_path': 'testdata',
               'output_model_path': 'models', 'prod_deployment_path': 'production_deployment'}, f)

trained = os.path.join(tmp, 'trained')
first = clis[builds[0]]
sim = json.loads(subprocess.run(['node', first, 'simulate', '--out', trained, '--clients', '500', '--months', '3', '--seed', '7', '--json'],
                                check=True, capture_output=True, text=True).stdout)
for cmd in (['ingest'], ['train'], ['deploy']):
    subprocess.run(['node', first, '--config', sim['config'], *cmd, '--json'], check=True, capture_output=True)
small = sim['testFile']

cmds = {}
for b, cli in clis.items():
    cmds[(b, '--version')] = (empty, ['node', cli, '--version'])
    cmds[(b, '--help')] = (empty, ['node', cli, '--help'])
    cmds[(b, 'ingest --json')] = (empty, ['node', cli, 'ingest', '--json'])
    cmds[(b, 'runs --json')] = (trained, ['node', cli, 'runs', '--json'])
    cmds[(b, 'predict --json')] = (trained, ['node', cli, 'predict', '--data', small, '--json'])
cmds[('bare node', '-e 0')] = (empty, ['node', '-e', '0'])


def run(cwd, argv):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.chdir(cwd)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f'{" ".join(argv)} failed ({status})')
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime


load = lambda: ' '.join(open('/proc/loadavg').read().split()[:3])
try:
    print(f'predict file: {small} ({sum(1 for _ in open(small)) - 1} rows)')
    print('load before', load())
    res = {k: [] for k in cmds}
    for _ in range(runs):
        for k, (cwd, argv) in cmds.items():
            res[k].append(run(cwd, argv))
    print('load after ', load())
    for (b, what), v in sorted(res.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        wall, cpu = [x[0] * 1000 for x in v], [x[1] * 1000 for x in v]
        print(f'{b:28s} {what:15s} n={len(v)}  wall {st.median(wall):6.1f} ms (min {min(wall):6.1f})  user+sys {st.median(cpu):6.1f} ms (min {min(cpu):6.1f})')
finally:
    shutil.rmtree(tmp)
