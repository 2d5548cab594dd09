"""``python -m himozuke …`` is ``himozuke …``; by its path, the entry point ``spark-submit`` runs (docs/spark.md)."""

from himozuke.cli import main

if __name__ == "__main__":
    main()
