"""Run every benchmark: each `benchmarks/bench_*.py`'s `main()`, in turn, in one run.

    python benchmarks/run.py
"""
from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"pyswitch_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    failed = []
    sys.path.insert(0, str(HERE))  # bench files may share helpers beside them
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n##### {path.name}", flush=True)
        saved_argv = sys.argv
        sys.argv = [str(path)]  # each bench parses its own (empty) command line
        try:
            load(path).main()
        except SystemExit as e:
            if e.code not in (0, None):
                failed.append(path.name)
                print(f"{path.name}: exited {e.code}", file=sys.stderr)
        except Exception:
            failed.append(path.name)
            traceback.print_exc()
        finally:
            sys.argv = saved_argv
        sys.stdout.flush()
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
