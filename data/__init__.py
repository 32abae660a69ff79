"""The bundled Baoshan dataset (synthetic) and the script that generates it.

`data/generate.py` writes the tables into `tuoyu/data/baoshan/`; see `data/README.md`.
"""
