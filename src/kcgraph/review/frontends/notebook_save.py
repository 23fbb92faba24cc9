"""The project's notebooks are saved without outputs: running one in JupyterLab and saving it
leaves git clean (the outputs are for the screen; the figures go to ``out/figures/``).

``make install`` points this virtual environment's Jupyter server at :func:`strip_outputs`
(``FileContentsManager.pre_save_hook`` in ``.venv/etc/jupyter/jupyter_server_config.json``).
Only kcgraph's own notebooks are touched; any other notebook is saved as Jupyter saves it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

__all__ = ["PROJECT_NOTEBOOKS", "strip_outputs"]

#: The notebooks kcgraph ships (``notebooks/``).
PROJECT_NOTEBOOKS = frozenset({"review-by-statement.ipynb", "explore.ipynb"})


def strip_outputs(model: dict[str, Any], path: str = "", **_: Any) -> None:
    """Jupyter's pre-save hook: a project notebook's outputs, execution counts, cell metadata
    and the interpreter's details are dropped, as the notebook is committed."""
    if model.get("type") != "notebook" or PurePosixPath(path).name not in PROJECT_NOTEBOOKS:
        return
    content = model.get("content")
    if not isinstance(content, dict):
        return
    for cell in content.get("cells", []):
        cell["metadata"] = {}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = content.get("metadata", {})
    language = metadata.get("language_info", {}).get("name", "python")
    content["metadata"] = {
        **({"kernelspec": metadata["kernelspec"]} if "kernelspec" in metadata else {}),
        "language_info": {"name": language},
    }
