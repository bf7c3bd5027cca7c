"""The output layer: a build's files as tasks, written from the TM's rows by the pure renderers.

- :mod:`.tasks` plans a build's outputs (every format per target locale, the tables, QA) and
  runs them in worker processes; a task whose inputs did not change is not run again;
- :mod:`.documents` and :mod:`.tables` read the rows each file needs and hand them to its format;
- :mod:`.qa` runs the checks and writes the reports;
- :mod:`.fragments` and :mod:`.memo` are where rendered parts and QA's unit findings are reused.
"""

from .fragments import CACHE
from .qa import QA_FOLDER, run_qa
from .tasks import STATE, Job, Task, plan, read_state, run, write_state

__all__ = ["CACHE", "QA_FOLDER", "STATE", "Job", "Task", "plan", "read_state", "run", "run_qa", "write_state"]
